// The packed package from Node ESM: every export checks its arguments' types and throws a
// TypeError naming the function, the parameter and what it expected, never a raw wasm error
// ("memory access out of bounds", "charCodeAt is not a function") and never a silent misread
// (text read as bytes). Bytes may be a Uint8Array, a Buffer (from any realm) or an ArrayBuffer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";
// The whole API: `siplens/trace` (the core, `siplens`, has a subset of these exports: modules.test.mjs).
import * as siplens from "siplens/trace";

const {
  decode, decodeBytes, decodeTrace, decodeCapture, decodeCaptureProgress, lookupCode, compareCodes,
  redact, redactCapture, listQ850, listWarnings, listReasonProtocols, listReleaseCauses, listSipToQ850, listQ850ToSip,
} = siplens;

const TEXT = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\nFrom: <sip:a@ims.example.com>;tag=1\r\nTo: <sip:b@ims.example.com>;tag=2\r\nCall-ID: args-1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
const fixtures = (process.env.SIPLENS_FIXTURES ?? "").split(":")[0];
const CAPTURE = readFileSync(`${fixtures}/captures/sip_ipv6_udp.pcap`);

/** assert.throws for a TypeError with exactly this message. */
function typeError(fn, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof TypeError, `${e?.name}: ${e?.message}`);
    assert.equal(e.message, message);
    return true;
  });
}

const NOT_TEXT = [
  [42, "a number"],
  [{}, "an object"],
  [undefined, "undefined"],
  [null, "null"],
  [Buffer.from(TEXT), "Uint8Array"],
  [["SIP/2.0 200 OK"], "an array"],
  [true, "a boolean"],
  [() => TEXT, "a function"],
];

test("text functions: a TypeError for anything but a string", () => {
  for (const f of ["decode", "decodeTrace", "redact"]) {
    for (const [bad, got] of NOT_TEXT) typeError(() => siplens[f](bad), `${f}: text must be a string, got ${got}`);
  }
  typeError(() => decode(), "decode: text must be a string, got undefined");
});

const NOT_BYTES = [
  [TEXT, "a string"],
  [42, "a number"],
  [{}, "an object"],
  [{ length: 3, 0: 83 }, "an object"],
  [undefined, "undefined"],
  [null, "null"],
  [[83, 73, 80], "an array"],
  [new Uint16Array(4), "Uint16Array"],
  [new DataView(new ArrayBuffer(4)), "DataView"],
  [new Map(), "Map"],
];

test("bytes functions: a TypeError for anything but a Uint8Array or an ArrayBuffer", () => {
  const expected = (f, got) => `${f}: bytes must be a Uint8Array or an ArrayBuffer, got ${got}`;
  for (const [bad, got] of NOT_BYTES) {
    typeError(() => decodeBytes(bad), expected("decodeBytes", got));
    typeError(() => decodeCapture(bad), expected("decodeCapture", got));
    typeError(() => decodeCaptureProgress(bad, () => {}), expected("decodeCaptureProgress", got));
    typeError(() => redactCapture(bad), expected("redactCapture", got));
  }
});

test("bytes: Buffer, Uint8Array, a view into a larger buffer, ArrayBuffer, another realm's Buffer", () => {
  const expected = decode(TEXT);
  const buf = Buffer.from(TEXT);
  assert.deepEqual(decodeBytes(buf), expected);
  assert.deepEqual(decodeBytes(new Uint8Array(buf)), expected);
  const padded = Buffer.from(`xxxx${TEXT}yyyy`);
  assert.deepEqual(decodeBytes(padded.subarray(4, 4 + TEXT.length)), expected);
  assert.deepEqual(decodeBytes(new TextEncoder().encode(TEXT).buffer), expected);
  // A Uint8Array from another realm (a vm context, as Jest uses) fails `instanceof`.
  const foreign = vm.runInNewContext(`new Uint8Array(${JSON.stringify([...buf])})`);
  assert.ok(!(foreign instanceof Uint8Array));
  assert.deepEqual(decodeBytes(foreign), expected);
  assert.deepEqual(decodeBytes(vm.runInNewContext(`new Uint8Array(${JSON.stringify([...buf])}).buffer`)), expected);
  // Captures too: a Buffer from readFileSync and its ArrayBuffer give the same trace.
  const t = decodeCapture(CAPTURE);
  assert.ok(t.messages.length > 0);
  const ab = CAPTURE.buffer.slice(CAPTURE.byteOffset, CAPTURE.byteOffset + CAPTURE.byteLength);
  assert.deepEqual(decodeCapture(ab), t);
});

test("status codes: a TypeError for a non-number, a RangeError out of range; no coercion of \"486\"", () => {
  for (const [bad, got] of [["486", "a string"], [null, "null"], [undefined, "undefined"], [486n, "a bigint"], [{}, "an object"]]) {
    typeError(() => lookupCode(bad), `lookupCode: code must be a number (an integer 0-65535), got ${got}`);
    typeError(() => compareCodes(bad, 486), `compareCodes: a must be a number (an integer 0-65535), got ${got}`);
    typeError(() => compareCodes(486, bad), `compareCodes: b must be a number (an integer 0-65535), got ${got}`);
  }
  for (const bad of [1.5, -1, 65536, NaN, Infinity]) {
    assert.throws(() => lookupCode(bad), { name: "RangeError", message: `lookupCode: code must be an integer 0-65535, got ${bad}` });
  }
  assert.equal(lookupCode(65535).requested, 65535);
});

test("decodeCaptureProgress: onProgress must be a function, and is called with numbers", () => {
  for (const [bad, got] of [[undefined, "undefined"], [1, "a number"], ["log", "a string"], [{}, "an object"]]) {
    typeError(() => decodeCaptureProgress(CAPTURE, bad), `decodeCaptureProgress: onProgress must be a function (bytesRead, totalBytes) => void, got ${got}`);
  }
  const calls = [];
  const t = decodeCaptureProgress(CAPTURE, (read, total) => calls.push([read, total]));
  assert.deepEqual(t, decodeCapture(CAPTURE));
  assert.ok(calls.length > 0);
  for (const [read, total] of calls) {
    assert.equal(typeof read, "number");
    assert.equal(total, CAPTURE.length);
    assert.ok(read <= total);
  }
});

test("redact and redactCapture: options are an object, null or undefined", () => {
  assert.deepEqual(redact(TEXT, null), redact(TEXT));
  assert.deepEqual(redact(TEXT, undefined), redact(TEXT));
  for (const [bad, got] of [[42, "a number"], ["all", "a string"], [["host"], "an array"], [true, "a boolean"]]) {
    typeError(() => redact(TEXT, bad), `redact: options must be an object (RedactOptions), null or undefined, got ${got}`);
    typeError(() => redactCapture(CAPTURE, bad), `redactCapture: options must be an object (RedactOptions), null or undefined, got ${got}`);
  }
});

test("the empty-input and value errors stay plain Errors", () => {
  assert.throws(() => decode(""), { name: "Error", message: "empty input: no SIP message" });
  assert.throws(() => decodeBytes(new ArrayBuffer(0)), { name: "Error", message: "empty input: no SIP message" });
  assert.throws(() => redact(TEXT, { level: "everything" }), (e) => e.constructor === Error && /^invalid redaction options/.test(e.message));
});

/** The row has at least these fields (the tables may grow). */
const hasKeys = (row, keys) => {
  for (const k of keys) assert.ok(Object.hasOwn(row, k), `${k} missing in ${JSON.stringify(row)}`);
};

test("knowledge tables: listQ850, listWarnings, listReasonProtocols, listReleaseCauses, listSipToQ850, listQ850ToSip", () => {
  const q850 = listQ850();
  assert.ok(q850.length > 30);
  hasKeys(q850[0], ["cause", "class", "explanation", "name"]);
  const c17 = q850.find((c) => c.cause === 17);
  assert.match(c17.name, /busy/i);
  assert.deepEqual(q850.map((c) => c.cause), [...q850.map((c) => c.cause)].sort((a, b) => a - b));
  const warnings = listWarnings();
  hasKeys(warnings[0], ["code", "meaning", "spec", "text"]);
  assert.ok(warnings.some((w) => w.code === 399));
  const protocols = listReasonProtocols();
  for (const name of ["SIP", "Q.850", "RELEASE_CAUSE"]) assert.ok(protocols.some((p) => p.name === name), name);
  hasKeys(protocols[0], ["causes", "meaning", "name", "spec"]);
  const release = listReleaseCauses();
  assert.ok(release.length > 0);
  hasKeys(release[0], ["cause", "meaning", "text"]);
  // RFC 3398 both ways: 486 → cause 17, and cause 17 → 486.
  const s2q = listSipToQ850();
  hasKeys(s2q[0], ["cause", "causeText", "note", "sip"]);
  assert.equal(s2q.find((r) => r.sip === 486).cause, 17);
  const q2s = listQ850ToSip();
  hasKeys(q2s[0], ["cause", "causeText", "note", "sip"]);
  assert.equal(q2s.find((r) => r.cause === 17).sip, 486);
  assert.ok(q2s.some((r) => r.cause === null), "the default row");
  // A decoded Reason reads the same table.
  const d = decode(TEXT.replace("Content-Length", 'Reason: Q.850;cause=17;text="User busy"\r\nContent-Length'));
  assert.equal(d.diagnosis.reasons[0].cause, c17.cause);
});

test("kind discriminates status and request at run time too", () => {
  const r = decode(TEXT);
  assert.equal(r.kind, "response");
  assert.ok(r.status !== null && r.request === null);
  const q = decode("OPTIONS sip:b@ims.example.com SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  assert.equal(q.kind, "request");
  assert.ok(q.request !== null && q.status === null);
  const i = decode("hello\r\n");
  assert.equal(i.kind, "invalid");
  assert.ok(i.request === null && i.status === null);
});

test("triage, searchCodes, catalog, exportCallText, exportCallPcap", () => {
  const { triage, searchCodes, catalog, exportCallText, exportCallPcap, decodeCapture: capture } = siplens;
  // triage: what was pasted, with the SIP read out of a hex dump or Wireshark copy.
  assert.equal(triage(TEXT).kind, "sipMessage");
  assert.equal(triage("hello world").kind, "notSip");
  assert.equal(triage(CAPTURE).kind, "capture");
  assert.equal(triage(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8])).kind, "binary");
  typeError(() => triage(42), "triage: input must be a string, a Uint8Array or an ArrayBuffer, got a number");
  // searchCodes matches words of the text, not only the reason phrase.
  const hits = searchCodes("retry-after").flatMap((g) => g.codes.map((c) => c.code));
  assert.ok(hits.includes(503) && hits.includes(480), String(hits));
  assert.deepEqual(searchCodes("48").flatMap((g) => g.codes.map((c) => c.code)).every((c) => c >= 480 && c <= 489), true);
  typeError(() => searchCodes(7), "searchCodes: query must be a string, got a number");
  // catalog: every value table at once.
  const cat = catalog();
  assert.ok(cat.q850.length > 50 && cat.warnings.length > 10);
  const failure = cat.reasonProtocols.find((p) => p.name === "FAILURE_CAUSE");
  assert.ok(failure.complete && failure.values.length === 3, JSON.stringify(failure));
  // exportCallText: messages back as paste-able text that decodes to the same messages.
  const two = TEXT + TEXT.replace("486 Busy Here", "180 Ringing");
  const text = exportCallText(two, [1]);
  assert.ok(text.includes("180 Ringing") && !text.includes("486 Busy Here"), text);
  typeError(() => exportCallText(two, "1"), "exportCallText: indices must be an array of non-negative integers or a Uint32Array, got a string");
  // exportCallPcap: the capture's own bytes for those messages, readable again.
  const t = capture(CAPTURE);
  const cut = exportCallPcap(CAPTURE, [0, 1]);
  assert.ok(cut instanceof Uint8Array && cut.length < CAPTURE.length);
  const again = capture(cut);
  assert.deepEqual(again.messages.map((m) => m.raw), [t.messages[0].raw, t.messages[1].raw]);
  assert.throws(() => exportCallPcap(CAPTURE, [999999]), /no capture frame/);
  typeError(() => exportCallPcap(CAPTURE, [-1]), "exportCallPcap: indices must be an array of non-negative integers or a Uint32Array, got an array");
});

test("captureFormat: the one capture sniffer", () => {
  const { captureFormat } = siplens;
  assert.equal(captureFormat(CAPTURE), "pcap");
  assert.equal(captureFormat(CAPTURE.buffer.slice(CAPTURE.byteOffset, CAPTURE.byteOffset + 24)), "pcap");
  assert.equal(captureFormat(new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0])), "pcapng");
  // The modified pcap format (Kuznetzov) and nanosecond pcap count too.
  assert.equal(captureFormat(new Uint8Array([0x34, 0xcd, 0xb2, 0xa1])), "pcap");
  assert.equal(captureFormat(new Uint8Array([0x4d, 0x3c, 0xb2, 0xa1])), "pcap");
  assert.equal(captureFormat(new TextEncoder().encode("INVITE sip:b@x SIP/2.0\r\n")), undefined);
  assert.equal(captureFormat(new Uint8Array()), undefined);
  typeError(() => captureFormat("pcap"), "captureFormat: bytes must be a Uint8Array or an ArrayBuffer, got a string");
});
