// Every export of the package, called with wrong-typed arguments, throws a clear error naming
// itself (a TypeError, or a RangeError for a number out of range) and never a raw wasm error
// ("memory access out of bounds", "unreachable", "charCodeAt is not a function"). The table of
// valid arguments must name every exported function, so a new export cannot skip the check.
// Both modules: `siplens/trace` (the whole API) and `siplens` (the core, a subset).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as siplens from "siplens/trace";
import * as core from "siplens";
import * as stream from "siplens/stream";

const TEXT = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\nCall-ID: x-1\r\nCSeq: 1 INVITE\r\n\r\n";
const fixtures = (process.env.SIPLENS_FIXTURES ?? "").split(":")[0];
const CAPTURE = readFileSync(`${fixtures}/captures/sip_ipv6_udp.pcap`);

// Valid arguments of every function export; `null` marks an argument that takes any value
// (an optional options object is covered by redact's own tests).
const VALID = {
  decode: [TEXT],
  parse: [TEXT],
  decodeBytes: [Buffer.from(TEXT)],
  decodeTrace: [TEXT],
  decodeCapture: [CAPTURE],
  decodeCaptureProgress: [CAPTURE, () => {}],
  decodeCaptureKeys: [CAPTURE, {}],
  captureFormat: [CAPTURE],
  lookupCode: [486],
  compareCodes: [486, 600],
  searchCodes: ["busy"],
  triage: [TEXT],
  exportCallText: [TEXT, [0]],
  exportCallPcap: [CAPTURE, [0]],
  redact: [TEXT, { level: "all" }],
  redactCapture: [CAPTURE, null],
  filterLadder: [siplens.decodeTrace(TEXT).ladder, {}],
  listCodes: [],
  listQ850: [],
  listWarnings: [],
  listReasonProtocols: [],
  listSipToQ850: [],
  listQ850ToSip: [],
  listReleaseCauses: [],
  catalog: [],
  redactionKinds: [],
  version: [],
};
// wasm-bindgen's loader functions, not siplens calls.
const LOADERS = ["default", "initSync"];
const CLASSES = ["TraceStream", "SipMessage"];

const WRONG = [42, 1.5, -1, NaN, true, null, undefined, {}, [], ["x"], [1.5], () => 1, Symbol("s"), 10n, new Uint16Array(2), new DataView(new ArrayBuffer(2)), new Map(), "text", new Uint8Array(2)];

/** Calls fn(...args): fine, or an error of a named kind whose message starts with `name`. */
function checked(name, fn, args) {
  try {
    fn(...args);
  } catch (e) {
    const label = `${name}(${args.map((a) => (typeof a === "symbol" ? "Symbol" : typeof a === "bigint" ? `${a}n` : Array.isArray(a) ? "[…]" : typeof a === "object" && a ? a.constructor.name : typeof a === "string" ? JSON.stringify(a.slice(0, 10)) : String(a))).join(", ")})`;
    assert.ok(e instanceof Error, `${label} threw a non-Error: ${String(e)}`);
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${label}: raw wasm error ${e.message}`);
    assert.ok(["TypeError", "RangeError", "Error"].includes(e.constructor.name), `${label}: ${e.constructor.name}`);
    assert.doesNotMatch(e.message, /memory access|unreachable|is not a function|Cannot read properties|recursive use|null pointer/, label);
    if (e.constructor.name !== "Error") assert.ok(e.message.startsWith(`${name}: `) || e.message.startsWith(`${name}.`), `${label}: ${e.message}`);
    return e;
  }
  return null;
}

test("the table names every function export", () => {
  for (const m of [siplens, core]) {
    const functions = Object.entries(m).filter(([, v]) => typeof v === "function").map(([k]) => k);
    const missing = functions.filter((k) => !(k in VALID) && !LOADERS.includes(k) && !CLASSES.includes(k));
    assert.deepEqual(missing, [], "exports without valid arguments in VALID");
  }
  for (const k of Object.keys(VALID)) assert.equal(typeof siplens[k], "function", k);
  // The trace-level exports are in siplens/trace only.
  for (const k of ["decodeTrace", "filterLadder", "TraceStream"]) assert.equal(core[k], undefined, k);
});

test("every function export: each argument in turn of a wrong type throws a clear error", () => {
  for (const [name, args, fn] of [
    ...Object.entries(VALID).map(([name, args]) => [name, args, siplens[name]]),
    ...Object.entries(VALID).filter(([name]) => name in core).map(([name, args]) => [name, args, core[name]]),
  ]) {
    assert.equal(checked(name, fn, args), null, `${name} with valid arguments`);
    for (let i = 0; i < args.length; i++) {
      for (const bad of WRONG) {
        const a = [...args];
        a[i] = bad;
        checked(name, fn, a);
      }
    }
    // Too few arguments: the missing ones are undefined.
    if (args.length) checked(name, fn, []);
  }
  // The TypeErrors are TypeErrors: a number where text goes, text where bytes go.
  assert.ok(checked("decode", siplens.decode, [42]) instanceof TypeError);
  assert.ok(checked("decodeCapture", siplens.decodeCapture, ["x"]) instanceof TypeError);
  assert.ok(checked("exportCallPcap", siplens.exportCallPcap, [CAPTURE, "0"]) instanceof TypeError);
});

test("TraceStream and siplens/stream: wrong types throw TypeErrors", () => {
  const s = new siplens.TraceStream();
  for (const bad of WRONG.filter((w) => typeof w !== "string" && !(w instanceof Uint8Array))) {
    assert.ok(checked("TraceStream", (x) => s.push(x), [bad]) instanceof TypeError);
  }
  for (const bad of WRONG) {
    const e = checked("assembleTrace", stream.assembleTrace, [bad, bad]);
    assert.ok(e instanceof TypeError, String(e));
  }
  s.free();
});
