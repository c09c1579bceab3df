// The packed package from Node ESM: `import { decode } from "siplens"`, no init call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import init, * as siplens from "siplens";

const { decode, decodeBytes, lookupCode, listCodes, compareCodes, version } = siplens;
const crlf = (lines) => lines.join("\r\n") + "\r\n\r\n";

const AKA_401 = crlf([
  "SIP/2.0 401 Unauthorized",
  "Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK-reg1",
  "From: <sip:+15551234567@ims.mnc001.mcc001.3gppnetwork.org>;tag=ue1",
  "To: <sip:+15551234567@ims.mnc001.mcc001.3gppnetwork.org>;tag=scscf1",
  "Call-ID: reg-aka-1",
  "CSeq: 1 REGISTER",
  'WWW-Authenticate: Digest realm="ims.mnc001.mcc001.3gppnetwork.org",nonce="3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",algorithm=AKAv1-MD5,qop="auth"',
  "Content-Length: 0",
]);

const RETRY_503 = crlf([
  "SIP/2.0 503 Service Unavailable",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-reg2",
  "From: <sip:alice@ims.example.com>;tag=ue1",
  "To: <sip:alice@ims.example.com>;tag=pcscf1",
  "Call-ID: reg-503-1",
  "CSeq: 2 REGISTER",
  "Retry-After: 600",
  "Content-Length: 0",
]);

const BUSY_486 = crlf([
  "SIP/2.0 486 Busy Here",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-inv1",
  "From: <sip:alice@ims.example.com>;tag=a",
  "To: <sip:bob@ims.example.com>;tag=b",
  "Call-ID: inv-486-1",
  "CSeq: 1 INVITE",
  'Reason: Q.850;cause=17;text="User busy"',
  "Content-Length: 0",
]);

test("version is the package version", () => {
  const pkg = createRequire(import.meta.url)("siplens/package.json");
  assert.equal(version(), pkg.version);
});

test("default export is a no-op init under Node", async () => {
  await init();
  assert.equal(decode(RETRY_503).status.code, 503);
});

test("401 AKA challenge to REGISTER", () => {
  const d = decode(AKA_401);
  assert.equal(d.kind, "response");
  assert.deepEqual([d.status.code, d.status.final, d.status.class], [401, true, "request-failure"]);
  assert.equal(d.cseq.method, "REGISTER");
  const c = d.diagnosis.challenge;
  assert.equal(c.header, "WWW-Authenticate");
  assert.equal(c.algorithm, "AKAv1-MD5");
  assert.equal(c.aka, true);
  assert.equal(c.stale, null);
  assert.match(d.diagnosis.context, /^registration/);
});

test("503 with Retry-After", () => {
  const d = decode(RETRY_503);
  assert.equal(d.diagnosis.retry.afterSeconds, 600);
  assert.equal(typeof d.diagnosis.retry.where, "string");
  assert.equal(d.diagnosis.retry.policy, "later");
  const h = d.headers.find((x) => x.canonicalName === "Retry-After");
  assert.equal(RETRY_503.slice(h.valueSpan.start, h.valueSpan.end), "600");
});

test("486 with a Q.850 Reason", () => {
  const d = decode(BUSY_486);
  const [r] = d.diagnosis.reasons;
  assert.deepEqual([r.protocol, r.cause, r.consistentWithStatus], ["Q.850", 17, true]);
});

test("malformed message is a result with findings, not an exception", () => {
  const d = decode("SIP/2.0 4O4 Not Found\r\nCSeq: x\r\n\r\n");
  assert.ok(d.findings.length > 0);
  for (const f of d.findings) assert.match(f.id, /^SL\d{3}$/);
});

test("decodeBytes: raw bytes, not UTF-8, spans are byte offsets", () => {
  const bytes = new TextEncoder().encode(RETRY_503);
  assert.deepEqual(decodeBytes(bytes), decode(RETRY_503));
  const bad = new Uint8Array([...bytes.slice(0, 8), 0xff, ...bytes.slice(8)]);
  assert.equal(decodeBytes(bad).body.length, 0);
});

test("empty input throws a real Error, in both entry points", () => {
  for (const input of ["", "  \r\n\t"]) {
    assert.throws(() => decode(input), { name: "Error", message: "empty input: no SIP message" });
    assert.throws(() => decodeBytes(new TextEncoder().encode(input)), {
      name: "Error",
      message: "empty input: no SIP message",
    });
  }
});

test("knowledge base: lookupCode, listCodes, compareCodes", () => {
  const l = lookupCode(499);
  assert.deepEqual([l.requested, l.known, l.info.code], [499, false, 400]);
  assert.equal(lookupCode(486).info.reason, "Busy Here");
  const groups = listCodes();
  assert.deepEqual(groups.map((g) => g.range), ["1xx", "2xx", "3xx", "4xx", "5xx", "6xx"]);
  const c = compareCodes(486, 600);
  assert.deepEqual([c.a.code, c.b.code], [486, 600]);
  assert.ok(c.aspects.some((a) => a.differs));
  assert.throws(() => lookupCode(1.5), { name: "RangeError", message: "lookupCode: code must be an integer 0-65535, got 1.5" });
  assert.throws(() => compareCodes(486, -1), { name: "RangeError", message: "compareCodes: b must be an integer 0-65535, got -1" });
});

test("published types: no `any`, Option fields declared `| null` (the core's and the trace module's)", () => {
  const require = createRequire(import.meta.url);
  const dir = require.resolve("siplens/package.json").replace(/package\.json$/, "");
  for (const file of ["siplens.d.ts", "siplens_trace.d.ts"]) {
    const dts = readFileSync(dir + file, "utf8");
    // The declarations derived from the Rust structs, without their doc comments.
    const declarations = dts.slice(0, dts.indexOf("export type InitInput")).replace(/\/\*[\s\S]*?\*\//g, "");
    assert.doesNotMatch(declarations, /\bany\b/, file);
    assert.match(declarations, /afterSeconds: number \| null;/, file);
    assert.match(declarations, /final: boolean;/, file);
    assert.match(declarations, /where: string;/, file);
    // `kind` discriminates the union; the progress callback has a signature, not `Function`.
    assert.match(declarations, /export type Decoded = DecodedResponse \| DecodedRequest \| DecodedInvalid;/, file);
    assert.doesNotMatch(dts, /\bFunction\b/, file);
  }
  const trace = readFileSync(dir + "siplens_trace.d.ts", "utf8");
  assert.match(trace, /export function decodeCaptureProgress\(bytes: Uint8Array \| ArrayBuffer, onProgress: \(bytesRead: number, totalBytes: number\) => void\): Trace;/);
});
