// Unit tests of the page's pure render functions (www/render.js) on a fake DOM, fed with real
// results of the built package (pkg/node.js), plus a grep of www/ and the element for HTML sinks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createDocument, byTag, byAttr, byClass } from "./fake-dom.mjs";
import * as R from "../../www/render.js";
import { EXAMPLES } from "../../www/examples.js";
import { decode, listCodes, lookupCode, compareCodes } from "../../pkg/node.js";

const root = new URL("../../", import.meta.url);
const doc = createDocument();
const utf8 = new TextEncoder();

test("at least 15 curated examples, CRLF kept", () => {
  assert.ok(EXAMPLES.length >= 15);
  for (const e of EXAMPLES) assert.match(e.text, /\r\n/, e.id);
  for (const code of [401, 200, 403, 494, 503, 580, 504, 183, 488, 480, 486, 603, 487, 500, 499]) {
    assert.ok(EXAMPLES.some((e) => decode(e.text).status?.code === code), `an example with ${code}`);
  }
  assert.ok(EXAMPLES.some((e) => decode(e.text).findings.some((f) => f.severity === "error")), "a malformed example");
});

test("byteToUtf16Map: ASCII, 2-, 3- and 4-byte characters", () => {
  const text = "aé€😀b";
  const map = R.byteToUtf16Map(text);
  assert.equal(map.length, utf8.encode(text).length + 1);
  // Every byte span of whole characters maps back to the same text.
  const bytes = utf8.encode(text);
  const dec = new TextDecoder();
  const bounds = [0, 1, 3, 6, 10, 11];
  for (const s of bounds) {
    for (const e of bounds) {
      if (e < s) continue;
      const [a, b] = R.spanToRange(map, { start: s, end: e });
      assert.equal(text.slice(a, b), dec.decode(bytes.slice(s, e)), `${s}-${e}`);
    }
  }
  assert.equal(R.utf16ToByte(map, 3), 6); // "😀" starts at byte 6
  assert.equal(R.utf16ToByte(map, text.length), bytes.length);
});

test("every span of every example maps to exactly its bytes", () => {
  const dec = new TextDecoder();
  for (const e of EXAMPLES) {
    const d = decode(e.text);
    const map = R.byteToUtf16Map(e.text);
    const bytes = utf8.encode(e.text);
    const spans = [...d.findings.map((f) => f.span), ...d.headers.map((x) => x.span), ...d.diagnosis.likelyCauses.flatMap((c) => c.evidence.map((v) => v.span))];
    for (const s of spans) {
      const [a, b] = R.spanToRange(map, s);
      assert.equal(e.text.slice(a, b), dec.decode(bytes.slice(s.start, s.end)), `${e.id} ${s.start}-${s.end}`);
    }
  }
});

test("renderSummary shows code, reason, class as text, final, CSeq method, headline", () => {
  const d = decode(EXAMPLES.find((e) => e.id === "invite-486").text);
  const s = R.renderSummary(doc, d);
  assert.equal(s.getAttribute("aria-label"), "Summary");
  const role = (r) => s.find(byAttr("data-role", r)).textContent;
  assert.equal(role("code"), "486");
  assert.equal(role("reason"), "Busy Here");
  assert.equal(role("class"), "4xx request failure");
  assert.equal(role("method"), "CSeq " + d.cseq.seq + " INVITE");
  assert.equal(role("headline"), d.diagnosis.headline);
  assert.ok(s.textContent.includes("final"));
  assert.ok(s.classList.contains("class-request-failure"));
});

test("renderDiagnosis: region, causes with evidence spans, Reason, retry, spec refs", () => {
  const d = decode(EXAMPLES.find((e) => e.id === "invite-486").text);
  const r = R.renderDiagnosis(doc, d);
  assert.equal(r.getAttribute("aria-label"), "Diagnosis");
  assert.equal(r.getAttribute("role"), "region");
  const causes = r.findAll(byClass("cause"));
  assert.equal(causes.length, d.diagnosis.likelyCauses.length);
  assert.ok(causes[0].textContent.includes(d.diagnosis.likelyCauses[0].text));
  const links = r.findAll(byAttr("data-span"));
  assert.ok(links.length > 0);
  for (const l of links) assert.equal(l.getAttribute("tabindex"), "0");
  assert.ok(r.textContent.includes("Reason"));
  for (const ref of d.diagnosis.specRefs) assert.ok(r.textContent.includes(ref));
  const d503 = decode(EXAMPLES.find((e) => e.id === "register-503").text);
  assert.ok(R.renderDiagnosis(doc, d503).textContent.includes(`${d503.diagnosis.retry.afterSeconds} s`));
  const d401 = decode(EXAMPLES.find((e) => e.id === "register-401-aka").text);
  assert.ok(R.renderDiagnosis(doc, d401).textContent.includes("Authentication challenge"));
});

test("renderFindings: severity, id, message, span", () => {
  const d = decode(EXAMPLES.find((e) => e.id === "malformed-colon").text);
  const r = R.renderFindings(doc, d);
  assert.equal(r.getAttribute("aria-label"), "Findings");
  const items = r.findAll(byClass("finding"));
  assert.equal(items.length, d.findings.length);
  assert.ok(items[0].classList.contains(`sev-${d.findings[0].severity}`));
  assert.equal(items[0].getAttribute("data-span"), `${d.findings[0].span.start}-${d.findings[0].span.end}`);
  assert.ok(items[0].textContent.includes(d.findings[0].id));
});

test("renderHeaders: one row per header with fields and meaning", () => {
  const d = decode(EXAMPLES[0].text);
  const t = R.renderHeaders(doc, d);
  const rows = t.findAll(byAttr("data-header"));
  assert.equal(rows.length, d.headers.length);
  const sec = d.headers.findIndex((x) => x.fields.length > 2);
  assert.ok(rows[sec].find(byClass("fields")).textContent.includes(d.headers[sec].fields[1].value));
  assert.ok(rows[sec].textContent.includes(d.headers[sec].meaning));
});

test("renderRaw highlights exactly the range; itemAtOffset finds the smallest item", () => {
  const frag = R.renderRaw(doc, "abcdef", [2, 4]);
  const pre = doc.createElement("pre");
  pre.appendChild(frag);
  assert.equal(pre.textContent, "abcdef");
  assert.equal(pre.find(byTag("mark")).textContent, "cd");
  const d = decode(EXAMPLES.find((e) => e.id === "malformed-colon").text);
  const f = d.findings[0];
  assert.deepEqual(R.itemAtOffset(d, f.span.start), { kind: "finding", index: 0, span: f.span });
  assert.equal(R.itemAtOffset(d, d.headers[0].span.start + 1).kind, "header");
});

test("code list groups and search; code page and comparison render everything", () => {
  const groups = listCodes();
  const all = R.renderCodeList(doc, groups, "");
  assert.equal(Number(all.getAttribute("data-count")), groups.reduce((n, g) => n + g.codes.length, 0));
  const busy = R.renderCodeList(doc, groups, "busy");
  assert.ok(busy.textContent.includes("486"));
  assert.ok(!busy.textContent.includes("401 Unauthorized"));
  assert.equal(R.renderCodeList(doc, groups, "zzzz-none").textContent, "No code matches.");
  const l = lookupCode(486);
  const page = R.renderCodePage(doc, l);
  for (const s of [l.info.description, l.info.fix, l.info.causes[0], l.info.inspect[0], l.info.ims.clause]) assert.ok(page.textContent.includes(s), s);
  const c = compareCodes(486, 600);
  const cmp = R.renderComparison(doc, c);
  assert.ok(cmp.textContent.includes("486 Busy Here vs 600 Busy Everywhere"));
  for (const a of c.aspects) assert.ok(cmp.textContent.includes(a.b));
});

test("an unregistered code is titled by what it is read as, not by the fallback's phrase", () => {
  const page = R.renderCodePage(doc, lookupCode(499));
  assert.equal(page.find(byTag("h2")).textContent, "499 (unregistered 4xx; treated as 400 Bad Request)");
  const cmp = R.renderComparison(doc, compareCodes(499, 486));
  assert.ok(cmp.textContent.includes("499 (unregistered 4xx; treated as 400 Bad Request) vs 486 Busy Here"));
});

test("markup in a message stays text (fake DOM never parses) and Markdown fences it", () => {
  const evil = 'SIP/2.0 486 <img src=x onerror=alert(1)>\r\nFrom: "\\"><script>alert(2)</script>" <sip:a@b>;tag=1\r\nTo: <javascript:alert(3)>\r\nCSeq: 1 INVITE\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n';
  const d = decode(evil);
  const main = R.renderReport(doc, d, evil, { version: "t" });
  assert.equal(main.findAll(byTag("img")).length, 0);
  assert.equal(main.findAll(byTag("script")).length, 0);
  assert.ok(main.textContent.includes("<img src=x onerror=alert(1)>"));
  const md = R.toMarkdown(d, evil, { version: "t" });
  assert.ok(md.includes("```\nSIP/2.0 486 <img"));
  assert.ok(!/(^|[^\\])</.test(md.split("```")[0]), "outside the fence, every < is escaped");
});

test("no HTML sinks in www/ or the element (message text goes through textContent)", () => {
  const files = [
    ...readdirSync(new URL("www/", root)).filter((f) => f.endsWith(".js")).map((f) => `www/${f}`),
    "npm/element.js",
  ];
  const sinks = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc/;
  for (const f of files) {
    const src = readFileSync(new URL(f, root), "utf8");
    src.split("\n").forEach((line, i) => {
      if (/^\s*(\/\/|\*)/.test(line)) return;
      assert.ok(!sinks.test(line), `${f}:${i + 1}: ${line.trim()}`);
    });
  }
  // The two serialisations (the HTML report, the ladder's SVG export): XMLSerializer on nodes
  // built with createElement(NS) + textContent.
  const app = readFileSync(new URL("www/app.js", root), "utf8");
  assert.equal((app.match(/new XMLSerializer\(\)/g) ?? []).length, 2);
});
