// The packed package's two modules from Node ESM: `siplens` (the core: one message, the code
// lookups, the whole knowledge base) works alone and never reads the trace module's .wasm;
// `siplens/trace` (traces, captures, redaction, export) has every core export too, and both
// give the same results.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const CORE = [
  "decode", "decodeBytes", "lookupCode", "listCodes", "compareCodes", "searchCodes", "catalog",
  "listQ850", "listWarnings", "listReasonProtocols", "listReleaseCauses", "listSipToQ850", "listQ850ToSip",
  "captureFormat", "redactionKinds", "version",
];
const TRACE_ONLY = [
  "decodeTrace", "decodeCapture", "decodeCaptureProgress", "decodeCaptureKeys", "triage", "exportCallText", "exportCallPcap",
  "redact", "redactCapture", "filterLadder", "TraceStream",
];
const TEXT = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\nFrom: <sip:a@ims.example.com>;tag=1\r\nTo: <sip:b@ims.example.com>;tag=2\r\nCall-ID: mod-1\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=17;text=\"User busy\"\r\nContent-Length: 0\r\n\r\n";

test("siplens (the core) loads alone, has the core exports only, and works", async () => {
  // Record every file read while the core entry loads: its .wasm, never the trace module's.
  const read = [];
  const original = fs.readFileSync;
  fs.readFileSync = (path, ...rest) => {
    read.push(String(path));
    return original(path, ...rest);
  };
  syncBuiltinESMExports();
  let core;
  try {
    core = await import("siplens");
  } finally {
    fs.readFileSync = original;
    syncBuiltinESMExports();
  }
  assert.ok(read.some((p) => /siplens_bg\.wasm$/.test(p)), `core .wasm not read: ${read}`);
  assert.ok(!read.some((p) => /siplens_trace/.test(p)), `the core read the trace module: ${read}`);

  for (const f of CORE) assert.equal(typeof core[f], "function", `core lacks ${f}`);
  for (const f of TRACE_ONLY) assert.equal(core[f], undefined, `core has ${f}`);

  const d = core.decode(TEXT);
  assert.equal(d.status.code, 486);
  assert.ok(d.diagnosis.reasons.length > 0);
  assert.equal(core.lookupCode(486).info.reason, "Busy Here");
  assert.equal(core.captureFormat(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1])), "pcap");
  assert.ok(core.redactionKinds().some((k) => k.id === "phone"));
  assert.throws(() => core.decode(42), { name: "TypeError", message: "decode: text must be a string, got a number" });
});

test("siplens/trace: every core export too, the same results, plus the trace API", async () => {
  const core = await import("siplens");
  const trace = await import("siplens/trace");
  for (const f of [...CORE, ...TRACE_ONLY]) assert.equal(typeof trace[f], "function", `siplens/trace lacks ${f}`);
  // The whole knowledge base is in the core: every table equals the full module's.
  assert.deepEqual(core.decode(TEXT), trace.decode(TEXT));
  assert.deepEqual(core.decodeBytes(Buffer.from(TEXT)), trace.decodeBytes(Buffer.from(TEXT)));
  assert.deepEqual(core.catalog(), trace.catalog());
  assert.deepEqual(core.listCodes(), trace.listCodes());
  assert.deepEqual(core.searchCodes("retry-after"), trace.searchCodes("retry-after"));
  for (let code = 100; code < 700; code++) assert.deepEqual(core.lookupCode(code), trace.lookupCode(code), `lookupCode(${code})`);
  assert.deepEqual(core.compareCodes(486, 600), trace.compareCodes(486, 600));
  for (const f of ["listQ850", "listWarnings", "listReasonProtocols", "listReleaseCauses", "listSipToQ850", "listQ850ToSip", "redactionKinds"]) {
    assert.deepEqual(core[f](), trace[f](), f);
  }
  assert.equal(core.version(), trace.version());
  const t = trace.decodeTrace(TEXT + TEXT.replace("486 Busy Here", "200 OK"));
  assert.equal(t.messages.length, 2);
  assert.deepEqual(t.messages[0].decoded, core.decode(TEXT));
});

test("package.json exports: siplens/trace for Node, bundlers and a plain page", async () => {
  const pkg = JSON.parse(fs.readFileSync(new URL(import.meta.resolve("siplens/package.json")), "utf8"));
  assert.deepEqual(pkg.exports["./trace"], {
    node: { types: "./trace-node.d.ts", default: "./trace-node.js" },
    browser: { types: "./siplens_trace.d.ts", default: "./siplens_trace.js" },
    import: { types: "./siplens_trace.d.ts", default: "./siplens_trace.js" },
    default: { types: "./siplens_trace.d.ts", default: "./siplens_trace.js" },
  });
  for (const f of ["siplens_trace.js", "siplens_trace_bg.wasm", "trace-node.js"]) assert.ok(pkg.files.includes(f), f);
  // The web entry of the trace module, as a bundler or a page imports it, under Node.
  const web = await import("siplens/trace/web");
  assert.equal(typeof web.default, "function");
  assert.equal(typeof web.initSync, "function");
});
