// The streaming API from the packed package under Node: TraceStream fed in chunks of every size,
// and siplens/stream's TransformStream, give the same Trace as decodeTrace / decodeCapture of the
// whole input (assembleTrace puts the streamed messages and the StreamEnd together).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeCapture, decodeCaptureKeys, decodeTrace, TraceStream } from "siplens/trace";
import { assembleTrace, traceTransform, TraceStream as FromStream } from "siplens/stream";

const fixtures = (process.env.SIPLENS_FIXTURES ?? "").split(":")[0];
const TEXTS = readdirSync(join(fixtures, "traces")).filter((f) => f.endsWith(".txt")).map((f) => join(fixtures, "traces", f));
const CAPTURE = readFileSync(join(fixtures, "captures/sip_ipv6_udp.pcap"));

/** The chunks through one TraceStream (with ESP `keys` when given), assembled. */
function streamed(chunks, keys) {
  const s = new TraceStream(keys);
  const messages = [];
  for (const c of chunks) messages.push(...s.push(c));
  const end = s.finish();
  messages.push(...end.messages);
  s.free();
  return assembleTrace(messages, end);
}

const cuts = (bytes, n) => Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => bytes.subarray(i * n, (i + 1) * n));

test("TraceStream: text fixtures in cuts of 1, 7 and 4096 bytes, and as strings, equal decodeTrace", () => {
  assert.ok(TEXTS.length >= 5, String(TEXTS));
  for (const f of TEXTS) {
    const bytes = readFileSync(f);
    const whole = decodeTrace(bytes.toString("utf8"));
    for (const n of [1, 7, 4096]) assert.deepEqual(streamed(cuts(bytes, n)), whole, `${f} in cuts of ${n}`);
    const text = bytes.toString("utf8");
    assert.deepEqual(streamed(text.match(/[\s\S]{1,100}/g)), whole, `${f} as strings`);
  }
});

test("TraceStream: a capture in cuts, as ArrayBuffers too, equals decodeCapture; messages come as packets complete", () => {
  const whole = decodeCapture(CAPTURE);
  for (const n of [1, 7, 4096]) assert.deepEqual(streamed(cuts(CAPTURE, n)), whole, `cuts of ${n}`);
  const abs = cuts(CAPTURE, 300).map((c) => c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength));
  assert.deepEqual(streamed(abs), whole);
  const s = new TraceStream();
  const counts = cuts(CAPTURE, 256).map((c) => s.push(c).length);
  const end = s.finish();
  assert.equal(end.messages.length, 0);
  assert.equal(counts.reduce((a, b) => a + b, 0), whole.messages.length);
  assert.ok(counts.filter(Boolean).length > 1, String(counts));
  assert.equal(end.source, "pcap");
  assert.equal(end.lanes.length, whole.messages.length);
  assert.deepEqual(end.dialogs, whole.dialogs);
});

test("TraceStream: argument types, finish twice, empty input", () => {
  const s = new TraceStream();
  for (const [bad, got] of [[42, "a number"], [null, "null"], [undefined, "undefined"], [{}, "an object"], [[1, 2], "an array"], [new Uint16Array(2), "Uint16Array"]]) {
    assert.throws(() => s.push(bad), (e) => e instanceof TypeError && e.message === `TraceStream.push: chunk must be a string, a Uint8Array or an ArrayBuffer, got ${got}`);
  }
  assert.throws(() => new TraceStream().finish(), { name: "Error", message: "empty input: no SIP message" });
  const t = new TraceStream();
  t.push(" \r\n");
  assert.throws(() => t.finish(), { name: "Error", message: "empty input: no SIP message" });
  s.push("OPTIONS sip:a@example.com SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  assert.equal(s.finish().messages.length, 1);
  assert.throws(() => s.finish(), /already called/);
  assert.throws(() => s.push("x"), /already called/);
  assert.equal(FromStream, TraceStream);
});

test("traceTransform: a ReadableStream of chunks through it gives every message, then the end", async () => {
  const bytes = readFileSync(TEXTS[0]);
  const whole = decodeTrace(bytes.toString("utf8"));
  const source = new ReadableStream({
    start(c) {
      for (const chunk of cuts(bytes, 333)) c.enqueue(chunk);
      c.close();
    },
  });
  const t = traceTransform();
  const messages = [];
  for await (const m of source.pipeThrough(t)) messages.push(m);
  const end = await t.end;
  assert.deepEqual(assembleTrace(messages, end), whole);
  // A chunk of the wrong type errors the stream and rejects `end`.
  const bad = traceTransform();
  const read = bad.readable.getReader().read(); // demand, so that the transform runs
  const w = bad.writable.getWriter();
  await assert.rejects(w.write(42), TypeError);
  await assert.rejects(read, TypeError);
  await assert.rejects(bad.end, /TraceStream.push: chunk must be/);
  assert.throws(() => assembleTrace("x", end), TypeError);
  assert.throws(() => assembleTrace([], null), TypeError);
  assert.throws(() => assembleTrace([], end), RangeError);
});

// Keys for SIP inside IMS IPsec ESP (the fixtures of tests/fixtures/esp, written by
// examples/esp_gen.rs): TraceStream and traceTransform take the object decodeCaptureKeys takes.
const CK = "00112233445566778899aabbccddeeff";
const IK = "0f0e0d0c0b0a09080706050403020100";
const esp = (name) => readFileSync(join(fixtures, "esp", `${name}.pcap`));


test("TraceStream with keys: ESP captures in cuts equal decodeCaptureKeys; the keys appear nowhere", async () => {
  const gcm = ["0x1001", "0x1002", "0x2001", "0x2002"].map((spi) => `spi=${spi},enc=aes-gcm-16:${CK}cafebabe`);
  for (const [name, keys, n] of [
    ["esp_aes_ipv4_udp_nokeys", { ck: CK, ik: IK }, 8],
    ["esp_aes_ipv4_udp_late", { ck: CK, ik: IK }, 6],
    ["esp_aesgcm_ipv6_tcp", { espSa: gcm }, 6],
  ]) {
    const bytes = esp(name);
    const whole = decodeCaptureKeys(bytes, keys);
    assert.equal(whole.messages.length, n, name);
    assert.equal(whole.captureFindings.length, 0, name);
    for (const c of [1, 7, 4096]) assert.deepEqual(streamed(cuts(bytes, c), keys), whole, `${name} in cuts of ${c}`);
    // Without the keys the stream reads what decodeCapture reads.
    assert.deepEqual(streamed(cuts(bytes, 512)), decodeCapture(bytes), name);
    const text = JSON.stringify(whole);
    assert.ok(!text.includes(CK) && !text.includes(IK), name);
    // siplens/stream's TransformStream too.
    const t = traceTransform(keys);
    const got = [];
    const reader = new Blob([bytes]).stream().pipeThrough(t).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      got.push(value);
    }
    assert.deepEqual(assembleTrace(got, await t.end), whole, `${name} through traceTransform`);
  }
  // Keys that do not read throw, as decodeCaptureKeys does.
  assert.throws(() => new TraceStream({ ck: CK }), { name: "Error", message: "TraceStream: invalid keys: ck and ik go together" });
  assert.throws(() => new TraceStream({ espSa: ["spi=1,enc=aes-cbc:00"] }), /^Error: TraceStream: invalid keys: enc aes-cbc needs a 16-byte key, got 1$/);
  assert.throws(() => new TraceStream("ck"), TypeError);
  assert.throws(() => traceTransform(["spi=1"]), { name: "TypeError", message: "traceTransform: keys must be an object { espSa?, ck?, ik? }, got an array" });
  // null or undefined: no keys.
  new TraceStream(null).free();
  new TraceStream(undefined).free();
});
