// Unit tests of the page's redaction module (www/redact.js) on the fake DOM, fed with real
// results of the built package (pkg/trace-node.js): the settings kept in storage, the Aliases panel
// (markup in original values stays text), the help on what each level replaces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDocument, byTag, byAttr, byClass } from "./fake-dom.mjs";
import * as RX from "../../www/redact.js";
import { redact, redactionKinds } from "../../pkg/trace-node.js";

const doc = createDocument();

const IMS_INVITE = [
  "INVITE tel:+12125551234;phone-context=ims.mnc001.mcc001.3gppnetwork.org SIP/2.0",
  "Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK-u1",
  'From: "Alice Example" <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>;tag=a1',
  "To: <tel:+12125551234>",
  "Call-ID: c-1",
  "CSeq: 1 INVITE",
  "Contact: <sip:001010123456789@10.20.30.40:5060>",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

/** A Storage-like object over a Map; `fail` makes it throw like a browser in private mode. */
function memoryStorage(fail = false) {
  const m = new Map();
  return {
    getItem: (k) => {
      if (fail) throw new Error("SecurityError");
      return m.get(k) ?? null;
    },
    setItem: (k, v) => {
      if (fail) throw new Error("QuotaExceededError");
      m.set(k, String(v));
    },
    map: m,
  };
}

test("settings: off and network by default, kept as JSON, damaged values fall back", () => {
  const s = memoryStorage();
  assert.deepEqual(RX.loadSettings(s), { on: false, level: "network" });
  assert.deepEqual(RX.loadSettings(null), { on: false, level: "network" });
  RX.saveSettings(s, { on: true, level: "all" });
  assert.equal(s.map.get(RX.STORAGE_KEY), '{"on":true,"level":"all"}');
  assert.deepEqual(RX.loadSettings(s), { on: true, level: "all" });
  for (const bad of ["{", "5", '{"on":"yes","level":"everything"}', "null"]) {
    s.map.set(RX.STORAGE_KEY, bad);
    assert.deepEqual(RX.loadSettings(s), { on: false, level: "network" }, bad);
  }
  const broken = memoryStorage(true);
  assert.deepEqual(RX.loadSettings(broken), { on: false, level: "network" });
  RX.saveSettings(broken, { on: true, level: "all" }); // does not throw
  assert.deepEqual(RX.redactOptions({ on: true, level: "identities" }), { level: "identities" });
  assert.deepEqual(RX.LEVELS.map((l) => l.id), ["identities", "network", "all"]);
});

test("renderAliases: counts by kind and every alias, marked as staying on this machine", () => {
  const { report } = redact(IMS_INVITE, { level: "network" });
  const sec = RX.renderAliases(doc, report);
  assert.equal(sec.getAttribute("role"), "region");
  assert.equal(sec.getAttribute("aria-labelledby"), "aliases-h");
  assert.equal(sec.find(byTag("h2")).textContent, `Aliases (${report.aliases.length})`);
  assert.match(sec.find(byClass("notice")).textContent, /stays on this machine.*not included in share links or exports/i);
  assert.equal(sec.find(byAttr("data-role", "summary")).textContent, RX.reportSummary(report));
  // Counts: one row per kind found; the kinds checked but not found on one line.
  const counts = sec.find(byClass("redact-counts")).find(byTag("tbody")).children;
  assert.deepEqual(counts.map((r) => r.getAttribute("data-kind")), report.kinds.filter((k) => k.replaced).map((k) => k.kind));
  const none = report.kinds.filter((k) => !k.replaced);
  assert.ok(none.length > 0);
  assert.equal(sec.find(byAttr("data-role", "not-found")).textContent, `Checked, none found: ${none.map((k) => k.label).join(", ")}.`);
  const phone = counts.find((r) => r.getAttribute("data-kind") === "phone");
  const k = report.kinds.find((x) => x.kind === "phone");
  assert.deepEqual(phone.children.map((c) => c.textContent), [k.label, String(k.replaced), String(k.distinct)]);
  // Aliases: kind label, original, alias, count.
  const rows = sec.find(byClass("aliases")).find(byTag("tbody")).children;
  assert.equal(rows.length, report.aliases.length);
  for (const [i, a] of report.aliases.entries()) {
    const cells = rows[i].children.map((c) => c.textContent);
    assert.deepEqual(cells, [report.kinds.find((x) => x.kind === a.kind).label, a.original, a.alias, String(a.count)]);
  }
  const originals = report.aliases.map((a) => a.original);
  for (const o of ["Alice Example", "10.20.30.40"]) assert.ok(originals.includes(o), `${o} in ${originals}`);
  assert.ok(originals.some((o) => o.includes("12125551234")));
  assert.ok(originals.some((o) => o.includes("001010123456789")));
});

test("renderAliases: nothing replaced says so", () => {
  const { report } = redact("OPTIONS sip:ims.example SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n", { level: "identities" });
  assert.equal(report.aliases.length, 0);
  const sec = RX.renderAliases(doc, report);
  assert.equal(sec.find(byClass("aliases")), null);
  assert.equal(sec.find(byClass("redact-counts")), null);
  assert.match(sec.textContent, /Nothing to replace at this level\./);
  assert.equal(RX.reportSummary(report), "Redacted (identities): 0 replacements of 0 values.");
});

test("markup in an original value stays text in the Aliases panel", () => {
  const evil = IMS_INVITE.replace('"Alice Example"', '"<img src=x onerror=alert(1)><script>alert(2)</script>"');
  const { text, report } = redact(evil);
  assert.ok(!text.includes("<img"), "the display name is replaced");
  const a = report.aliases.find((x) => x.kind === "display-name");
  assert.equal(a.original, "<img src=x onerror=alert(1)><script>alert(2)</script>");
  const sec = RX.renderAliases(doc, report);
  assert.equal(sec.findAll(byTag("img")).length + sec.findAll(byTag("script")).length, 0);
  const cell = sec.findAll(byAttr("data-role", "original")).find((c) => c.textContent === a.original);
  assert.ok(cell, "the original is one text node in a cell");
  assert.equal(cell.find(byTag("code")).childNodes[0].nodeType, 3);
});

test("renderLevelHelp: what each level replaces, from the kinds table", () => {
  const kinds = redactionKinds();
  const ul = RX.renderLevelHelp(doc, kinds);
  const levels = ul.children;
  assert.deepEqual(levels.map((l) => l.getAttribute("data-level")), ["identities", "network", "all"]);
  for (const l of levels) {
    const ids = l.findAll(byAttr("data-kind")).map((x) => x.getAttribute("data-kind"));
    assert.deepEqual(ids, kinds.filter((k) => k.level === l.getAttribute("data-level")).map((k) => k.id));
  }
  // Every kind once; `code` in the table becomes <code>.
  assert.equal(ul.findAll(byAttr("data-kind")).length, kinds.length);
  const imsi = ul.find(byAttr("data-kind", "imsi"));
  assert.ok(imsi.findAll(byTag("code")).length >= 1);
  assert.ok(!imsi.textContent.includes("`"));
});
