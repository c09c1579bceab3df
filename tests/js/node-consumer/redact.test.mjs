// The packed package from Node ESM: `redact` and `redactionKinds` (the trace module, `siplens/trace`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decode, decodeCapture, decodeTrace, redact, redactCapture, redactionKinds } from "siplens/trace";

const crlf = (lines) => lines.join("\r\n") + "\r\n\r\n";

const REGISTER = crlf([
  "REGISTER sip:ims.mnc001.mcc001.3gppnetwork.org SIP/2.0",
  "Via: SIP/2.0/UDP [2a01:598:ab12::17]:5060;branch=z9hG4bK-r1",
  'From: "Alice Example" <sip:+12125551234@ims.mnc001.mcc001.3gppnetwork.org>;tag=a1',
  "To: <sip:+12125551234@ims.mnc001.mcc001.3gppnetwork.org>",
  "Call-ID: reg-1",
  "CSeq: 1 REGISTER",
  "Contact: <sip:+12125551234@10.20.30.40:5060>;+sip.instance=\"<urn:gsma:imei:35209900-176148-1>\"",
  'Authorization: Digest username="001010123456789@ims.mnc001.mcc001.3gppnetwork.org",realm="ims.mnc001.mcc001.3gppnetwork.org",uri="sip:ims.mnc001.mcc001.3gppnetwork.org",nonce="",response=""',
  "Content-Length: 0",
]);
const ORIGINALS = ["12125551234", "001010123456789", "10.20.30.40", "2a01:598:ab12::17", "Alice Example"];

test("redact: { text, report }; no original left; the text still decodes the same", () => {
  const r = redact(REGISTER);
  assert.deepEqual(Object.keys(r).sort(), ["report", "text"]);
  for (const o of ORIGINALS) assert.ok(!r.text.includes(o), `${o} left`);
  assert.equal(r.report.level, "network");
  assert.equal(r.report.total, r.report.kinds.reduce((n, k) => n + k.replaced, 0));
  // A digit alias is written in the format of the value it replaces (`35209900-000001-5`).
  const undashed = r.text.replace(/[-. ]/g, "");
  for (const a of r.report.aliases) {
    assert.deepEqual(Object.keys(a).sort(), ["alias", "count", "kind", "original"]);
    assert.ok(r.text.includes(a.alias) || (/^\d+$/.test(a.alias) && undashed.includes(a.alias)), a.alias);
  }
  const before = decode(REGISTER);
  const after = decode(r.text);
  assert.equal(after.request.method, before.request.method);
  assert.deepEqual(after.findings.map((f) => f.id), before.findings.map((f) => f.id));
  // Redacting the redacted text changes nothing more.
  assert.equal(redact(r.text).text, r.text);
});

test("redact: levels, include and exclude", () => {
  const ids = redact(REGISTER, { level: "identities" });
  assert.equal(ids.report.level, "identities");
  assert.ok(ids.text.includes("10.20.30.40") && !ids.text.includes("12125551234"));
  const all = redact(REGISTER, { level: "all" });
  assert.equal(all.report.level, "all");
  assert.ok(!all.text.includes("3gppnetwork.org"), all.text);
  const some = redact(REGISTER, { include: ["host"], exclude: ["ipv4"] });
  assert.ok(some.text.includes("10.20.30.40"));
  assert.deepEqual(redact(REGISTER, {}), redact(REGISTER));
  assert.deepEqual(redact(REGISTER, null), redact(REGISTER));
  assert.deepEqual(redact(REGISTER, undefined), redact(REGISTER));
  assert.deepEqual(redact("", {}).text, "");
});

test("redact: the same value, the same alias across a trace", () => {
  const invite = crlf(["INVITE sip:+12125551234@ims.example.net SIP/2.0", "Via: SIP/2.0/UDP 10.20.30.40;branch=z9hG4bK-1", "From: <sip:alice@ims.example.net>;tag=1", "To: <sip:+12125551234@ims.example.net>", "Call-ID: t1", "CSeq: 1 INVITE", "Content-Length: 0"]);
  const ok = crlf(["SIP/2.0 486 Busy Here", "Via: SIP/2.0/UDP 10.20.30.40;branch=z9hG4bK-1", "From: <sip:alice@ims.example.net>;tag=1", "To: <sip:+12125551234@ims.example.net>;tag=2", "Call-ID: t1", "CSeq: 1 INVITE", "Content-Length: 0"]);
  const r = redact(invite + ok);
  const ip = r.report.aliases.find((a) => a.original === "10.20.30.40");
  assert.equal(ip.count, 2);
  assert.equal(r.text.split(ip.alias).length - 1, 2);
  const t = decodeTrace(r.text);
  assert.equal(t.messages.length, 2);
  assert.equal(t.messages[1].transactionId, t.messages[0].transactionId);
});

test("redact: bad options throw a real Error", () => {
  for (const [options, message] of [
    [{ level: "everything" }, /^invalid redaction options: unknown variant `everything`/],
    [{ include: ["phones"] }, /^invalid redaction options: unknown identifier kind "phones"/],
    [{ includes: ["host"] }, /^invalid redaction options: unknown field `includes`/],
    [{ include: "host" }, /^invalid redaction options: invalid type/],
  ]) {
    assert.throws(() => redact(REGISTER, options), (e) => e instanceof Error && message.test(e.message), JSON.stringify(options));
  }
  // Options that are not an object at all: a TypeError naming the function.
  for (const options of [42, "all", ["host"]]) {
    assert.throws(() => redact(REGISTER, options), (e) => e instanceof TypeError && /^redact: options must be an object \(RedactOptions\), null or undefined, got /.test(e.message), JSON.stringify(options));
  }
});

test("redactionKinds: the table of identifier kinds", () => {
  const kinds = redactionKinds();
  assert.ok(kinds.length >= 10);
  for (const k of kinds) {
    assert.deepEqual(Object.keys(k).sort(), ["covers", "id", "label", "level"]);
    assert.ok(["identities", "network", "all"].includes(k.level), k.id);
  }
  assert.equal(new Set(kinds.map((k) => k.id)).size, kinds.length);
  for (const id of ["imsi", "phone", "display-name", "ipv4", "ipv6"]) assert.ok(kinds.some((k) => k.id === id), id);
  // Every kind ID is accepted by the options.
  assert.equal(redact(REGISTER, { include: kinds.map((k) => k.id) }).report.kinds.length, kinds.length);
});

test("redactCapture: a pcap comes back as a pcap with the same SIP messages and no original address", () => {
  const fixtures = (process.env.SIPLENS_FIXTURES ?? "").split(":")[0];
  const cap = new Uint8Array(readFileSync(`${fixtures}/captures/sip_ipv6_udp.pcap`));
  const r = redactCapture(cap, { level: "all" });
  assert.ok(r.bytes instanceof Uint8Array);
  assert.equal(r.format, "pcap");
  assert.equal(r.complete, true);
  assert.ok(r.packets.sip > 0);
  const before = decodeCapture(cap);
  const after = decodeCapture(r.bytes);
  assert.equal(after.messages.length, before.messages.length);
  assert.deepEqual(
    after.messages.map((m) => m.decoded.cseq?.method),
    before.messages.map((m) => m.decoded.cseq?.method),
  );
  const text = Buffer.from(r.bytes).toString("latin1");
  for (const a of r.report.aliases) assert.ok(!text.includes(a.original), `${a.original} left`);
  assert.throws(() => redactCapture(new TextEncoder().encode("OPTIONS sip:a@b SIP/2.0\r\n\r\n")), /not a pcap/);
});
