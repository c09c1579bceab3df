// The lazy entry from the packed package: `parse(text)` frames the message now and its
// SipMessage accessors read it on demand; `diagnose()` equals `decode(text)`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse, decode, SipMessage } from "siplens";
import * as trace from "siplens/trace";

const crlf = (lines, body = "") => lines.join("\r\n") + "\r\n\r\n" + body;

const SDP = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n";
const INVITE = crlf([
  "INVITE sip:bob@ims.example.com;user=phone SIP/2.0",
  "v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-lazy1",
  "Via: SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK-lazy2",
  "f: <sip:alice@ims.example.com>;tag=a1",
  "To: <sip:bob@ims.example.com>",
  "i: lazy-call-1@10.0.0.1",
  "cseq: 42 INVITE",
  "X-Trace-Id: 7",
  "Content-Type: application/sdp",
  `Content-Length: ${SDP.length}`,
], SDP);

const BUSY = crlf([
  "SIP/2.0 486 Busy Here",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-lazy1",
  "From: <sip:alice@ims.example.com>;tag=a1",
  "To: <sip:bob@ims.example.com>;tag=b2",
  "Call-ID: lazy-call-1@10.0.0.1",
  "CSeq: 42 INVITE",
  "Content-Length: 0",
]);

test("parse: a request's accessors read its start line, headers and body", () => {
  const m = parse(INVITE);
  assert.ok(m instanceof SipMessage);
  assert.equal(m.kind, "request");
  assert.equal(m.method, "INVITE");
  assert.equal(m.requestUri, "sip:bob@ims.example.com;user=phone");
  assert.equal(m.statusCode, undefined);
  assert.equal(m.reasonPhrase, undefined);
  assert.equal(m.callId, "lazy-call-1@10.0.0.1");
  assert.deepEqual(m.cseq, { seq: 42, method: "INVITE" });
  // Compact forms and any case name the same header; order and spelling are kept.
  assert.equal(m.header("Call-ID"), "lazy-call-1@10.0.0.1");
  assert.equal(m.header("CALL-ID"), m.header("i"));
  assert.equal(m.header("from"), "<sip:alice@ims.example.com>;tag=a1");
  assert.deepEqual(m.headers("Via"), [
    "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-lazy1",
    "SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK-lazy2",
  ]);
  assert.deepEqual(m.headers("v"), m.headers("VIA"));
  assert.equal(m.header("x-trace-id"), "7");
  assert.equal(m.header("Route"), undefined);
  assert.deepEqual(m.headers("Route"), []);
  assert.equal(m.headerCount, 9);
  assert.equal(m.body, SDP);
  assert.deepEqual(m.bodyBytes, new TextEncoder().encode(SDP));
  m.free();
});

test("parse: a response's status line; diagnose() equals decode()", () => {
  const m = parse(BUSY);
  assert.equal(m.kind, "response");
  assert.equal(m.statusCode, 486);
  assert.equal(m.reasonPhrase, "Busy Here");
  assert.equal(m.method, undefined);
  assert.equal(m.requestUri, undefined);
  assert.equal(m.body, "");
  assert.deepEqual(m.diagnose(), decode(BUSY));
  assert.equal(m.diagnose().status.code, 486);
  const r = parse(INVITE);
  assert.deepEqual(r.diagnose(), decode(INVITE));
  r.free();
  m.free();
});

test("parse: a message that is not SIP is a result; diagnose() says why", () => {
  const m = parse("hello\r\n");
  assert.equal(m.kind, "invalid");
  assert.equal(m.method, undefined);
  assert.equal(m.statusCode, undefined);
  assert.equal(m.cseq, undefined);
  const d = m.diagnose();
  assert.equal(d.kind, "invalid");
  assert.ok(d.findings.length > 0);
  m.free();
});

test("parse: a CSeq without a number reads as undefined; one past 2^32-1 has seq null", () => {
  assert.equal(parse("SIP/2.0 200 OK\r\nCSeq: INVITE\r\n\r\n").cseq, undefined);
  assert.deepEqual(parse("SIP/2.0 200 OK\r\nCSeq: 99999999999 BYE\r\n\r\n").cseq, { seq: null, method: "BYE" });
});

test("parse: empty input throws as decode does; wrong types throw a TypeError", () => {
  assert.throws(() => parse(""), { name: "Error", message: "empty input: no SIP message" });
  for (const [bad, got] of [[42, "a number"], [undefined, "undefined"], [Buffer.from(BUSY), "Uint8Array"]]) {
    assert.throws(() => parse(bad), { name: "TypeError", message: `parse: text must be a string, got ${got}` });
  }
  const m = parse(BUSY);
  assert.throws(() => m.header(7), { name: "TypeError", message: "SipMessage.header: name must be a string, got a number" });
  assert.throws(() => m.headers(null), { name: "TypeError", message: "SipMessage.headers: name must be a string, got null" });
  m.free();
});

test("parse: non-ASCII text reads back exactly (the accessors decode the bytes)", () => {
  const body = "s=Café ☎ 𝄞\r\n";
  const text = crlf([
    "MESSAGE sip:zoë@example.com SIP/2.0",
    'From: "Zoë ☎" <sip:zoe@example.com>;tag=z1',
    "Call-ID: ünïcode-1",
    "CSeq: 3 MESSAGE",
    `Content-Length: ${Buffer.byteLength(body)}`,
  ], body);
  const m = parse(text);
  assert.equal(m.requestUri, "sip:zoë@example.com");
  assert.equal(m.header("f"), '"Zoë ☎" <sip:zoe@example.com>;tag=z1');
  assert.equal(m.callId, "ünïcode-1");
  assert.deepEqual(m.cseq, { seq: 3, method: "MESSAGE" });
  assert.equal(m.body, body);
  assert.deepEqual(m.bodyBytes, new TextEncoder().encode(body));
  assert.deepEqual(m.diagnose(), decode(text));
  m.free();
});

test("parse: many messages kept alive at once read back right (the module's memory grows meanwhile)", () => {
  const kept = [];
  for (let i = 0; i < 20000; i++) {
    const id = `grow-${i}@host`;
    kept.push([id, parse(`OPTIONS sip:x SIP/2.0\r\nCall-ID: ${id}\r\nCSeq: ${i} OPTIONS\r\n\r\n`)]);
  }
  for (const [id, m] of kept) {
    assert.equal(m.callId, id);
    m.free();
  }
});

test("parse: a SipMessage holds no module memory; free() and Symbol.dispose are no-ops kept for compatibility", () => {
  const m = parse(BUSY);
  m.free();
  m.free();
  assert.equal(m.statusCode, 486);
  if (Symbol.dispose) m[Symbol.dispose]();
  assert.equal(m.callId, "lazy-call-1@10.0.0.1");
  assert.throws(() => new SipMessage(), TypeError);
});

test("parse: the trace module's parse gives the same class and results", () => {
  const m = trace.parse(INVITE);
  assert.ok(m instanceof trace.SipMessage);
  assert.equal(m.callId, "lazy-call-1@10.0.0.1");
  assert.deepEqual(m.cseq, { seq: 42, method: "INVITE" });
  assert.deepEqual(m.headers("v"), parse(INVITE).headers("Via"));
  assert.deepEqual(m.diagnose(), trace.decode(INVITE));
  assert.throws(() => m.header(1), { name: "TypeError", message: "SipMessage.header: name must be a string, got a number" });
});
