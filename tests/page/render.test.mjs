// Unit tests of the page's pure render functions (www/render.js) on a fake DOM, fed with real
// results of the built package (pkg/node.js), plus a grep of www/ and the element for HTML sinks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createDocument, byTag, byAttr, byClass } from "./fake-dom.mjs";
import * as R from "../../www/render.js";
import { EXAMPLES } from "../../www/examples.js";
import * as pkg from "../../pkg/node.js";

const { decode, listCodes, lookupCode, compareCodes } = pkg;

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

test("renderFindings: severity, id, message, span; errors first, then warnings, then infos", () => {
  const d = decode(EXAMPLES.find((e) => e.id === "malformed-colon").text);
  const r = R.renderFindings(doc, d);
  assert.equal(r.getAttribute("aria-label"), "Findings");
  const items = r.findAll(byClass("finding"));
  assert.equal(items.length, d.findings.length);
  const rank = { error: 0, warning: 1, info: 2 };
  const shown = items.map((li) => d.findings[Number(li.getAttribute("data-finding"))]);
  assert.deepEqual([...new Set(items.map((li) => li.getAttribute("data-finding")))].length, d.findings.length, "each finding once, by its own index");
  for (let i = 1; i < shown.length; i++) assert.ok(rank[shown[i - 1].severity] <= rank[shown[i].severity], `${shown[i - 1].severity} before ${shown[i].severity}`);
  const first = shown[0];
  assert.ok(items[0].classList.contains(`sev-${first.severity}`));
  assert.equal(items[0].getAttribute("data-span"), `${first.span.start}-${first.span.end}`);
  assert.ok(items[0].textContent.includes(first.id));
  // A warning after two infos in the message still comes first; same severity keeps position.
  const f = (severity, start) => ({ severity, id: "SL000", message: "m", category: "protocol", specRef: "x", span: { start, end: start + 1, line: 1, column: 1 } });
  assert.deepEqual(R.findingOrder([f("info", 0), f("info", 5), f("warning", 9), f("error", 20), f("warning", 3)]), [3, 4, 2, 0, 1]);
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

test("the diagnosis collapses: causes, inspect and next steps open; IMS context and specifications closed", () => {
  const d = decode(EXAMPLES.find((e) => e.id === "register-401-aka").text);
  const r = R.renderDiagnosis(doc, d);
  const folds = r.findAll(byTag("details"));
  assert.ok(folds.length >= 3);
  const byTitle = new Map(folds.map((f) => [f.find(byTag("summary")).textContent, f]));
  assert.ok(byTitle.get("Likely causes").hasAttribute("open"));
  assert.ok(byTitle.get("Authentication challenge") && !byTitle.get("Authentication challenge").hasAttribute("open"));
  if (byTitle.has("Specifications")) assert.ok(!byTitle.get("Specifications").hasAttribute("open"));
  if (byTitle.has("In IMS")) assert.ok(!byTitle.get("In IMS").hasAttribute("open"));
  // Every heading is inside its summary (a screen reader's heading list still has them).
  for (const f of folds) assert.equal(f.find(byTag("summary")).children[0].tagName, "H3");
});

test("media summary: m= line, codecs with fmtp meanings, ptime, direction, c=, preconditions table", () => {
  // The shape of decoded.media (schema/decode.schema.json: session fields, one stream per m= line).
  const media = {
    origin: { username: "-", sessionId: "1", sessionVersion: "2", address: "IN IP6 2001:db8::1" },
    connection: "IN IP6 2001:db8::1",
    bandwidths: [{ type: "AS", value: 41 }],
    direction: null,
    streams: [
      {
        media: "audio",
        port: 49152,
        rejected: false,
        proto: "RTP/AVP",
        connection: "IN IP6 2001:db8::1",
        direction: "sendrecv",
        ptime: 20,
        maxptime: 240,
        rtcpMux: false,
        bandwidths: [{ type: "AS", value: 41 }],
        codecs: [
          { format: "116", payloadType: 116, name: "AMR-WB", clockRate: 16000, channels: 1, staticPayload: false, fmtp: "mode-change-capability=2;max-red=0", params: [{ name: "mode-change-capability", value: "2", meaning: "may change mode at any time" }] },
          { format: "100", payloadType: 100, name: "telephone-event", clockRate: 16000, channels: null, staticPayload: false, fmtp: "0-15", params: [{ name: "", value: "0-15", meaning: "DTMF digits 0-9, *, #, A-D" }] },
        ],
        preconditions: [{ type: "qos", statusType: "local", current: "none", strength: "mandatory", desired: "sendrecv", confirm: null, met: false, spans: [] }],
        security: [],
        newField: "shown as it comes",
      },
    ],
  };
  const r = R.renderMedia(doc, media);
  const t = r.textContent;
  for (const s of ["m=audio 49152 RTP/AVP 116 100", "116 AMR-WB/16000", "mode-change-capability=2", "may change mode at any time", "100 telephone-event/16000", "20 ms", "sendrecv", "IN IP6 2001:db8::1", "AS:41", "mandatory sendrecv", "shown as it comes"]) assert.ok(t.includes(s), s);
  const table = r.find(byTag("table"));
  assert.deepEqual(table.findAll(byTag("th")).map((x) => x.textContent), ["Type", "Status", "Current", "Desired", "Confirm", "Met"]);
  assert.deepEqual(table.find(byTag("tbody")).findAll(byTag("td")).map((x) => x.textContent), ["qos", "local", "none", "mandatory sendrecv", "—", "no"]);
  // A decode with media gets an open "Media (SDP)" section; without, none.
  const d = decode(EXAMPLES[0].text);
  assert.ok(R.renderDiagnosis(doc, { ...d, media }).textContent.includes("Media (SDP)"));
  assert.ok(!R.renderDiagnosis(doc, { ...d, media: null }).textContent.includes("Media (SDP)"));
  // The built package's own media summary, when it has one, renders its streams.
  const sdp = EXAMPLES.map((e) => decode(e.text)).find((x) => x.media);
  if (sdp) assert.equal(R.renderMedia(doc, sdp.media).findAll(byClass("media-stream")).length, sdp.media.streams.length);
});

test("plural rules: 1 dialog, 2 dialogs, 0 bytes", () => {
  assert.equal(R.plural(1, "dialog"), "1 dialog");
  assert.equal(R.plural(2, "dialog"), "2 dialogs");
  assert.equal(R.plural(0, "byte"), "0 bytes");
  assert.equal(R.plural(1, "entry", "entries"), "1 entry");
});

test("Markdown escapes only what Markdown reads: parentheses and dots stay", () => {
  assert.equal(R.mdEscape("486 Busy Here (Q.850 cause 17) see RFC 3261 §21.4.24."), "486 Busy Here (Q.850 cause 17) see RFC 3261 §21.4.24.");
  assert.equal(R.mdEscape("a_b *c* [d](e) <f> g|h `i`"), "a\\_b \\*c\\* \\[d\\](e) \\<f\\> g\\|h \\`i\\`");
  assert.equal(R.mdEscape("# not a heading\n1. not a list\n- no"), "\\# not a heading\n1\\. not a list\n\\- no");
  const d = decode(EXAMPLES.find((e) => e.id === "invite-486").text);
  const md = R.toMarkdown(d, EXAMPLES.find((e) => e.id === "invite-486").text, { version: "1.0" });
  assert.ok(!md.split("```")[0].includes("\\("), "no escaped parenthesis outside the fence");
  assert.ok(md.includes("(4xx request failure, final)"));
});

test("code search matches words anywhere on a code's page (retry-after)", () => {
  assert.ok(R.matchesQuery("Retry-After: 30", "retry-after"));
  assert.ok(R.matchesQuery("the Retry-After header says when", "retry after"));
  assert.ok(!R.matchesQuery("Busy Here", "retry"));
  const groups = listCodes();
  const texts = new Map(groups.flatMap((g) => g.codes).map((c) => [c.code, R.codeSearchText(lookupCode(c.code).info)]));
  const withoutPages = Number(R.renderCodeList(doc, groups, "retry-after").getAttribute("data-count"));
  const list = R.renderCodeList(doc, groups, "retry-after", texts);
  const n = Number(list.getAttribute("data-count"));
  assert.ok(n > withoutPages, `the page texts find more codes (${n} > ${withoutPages})`);
  assert.ok(list.find(byAttr("data-code", "503")), "503 (its page names Retry-After)");
  // A number still finds codes by prefix.
  assert.ok(R.renderCodeList(doc, groups, "48", texts).find(byAttr("data-code", "486")));
});

test("an unknown code is not titled with its class's name (499 is no Bad Request)", () => {
  const l = lookupCode(499);
  const page = R.renderCodePage(doc, l);
  const title = page.find(byAttr("id", "code-page-h")).textContent;
  assert.notEqual(title, "499 Bad Request");
  assert.match(title, /^499\b/);
  if (!l.title) assert.equal(title, `499 (unknown 4xx, read as ${l.info.code} ${l.info.reason})`);
  else assert.equal(title, l.title, "the core's title");
  assert.equal(R.codeTitle(lookupCode(486)), "486 Busy Here");
});

test("KB lists: Q.850, Warning, Reason protocols; 'not available' when the package lacks the list", () => {
  const none = R.renderKbList(doc, "q850", null, "");
  assert.match(none.textContent, /not available in this build/);
  assert.match(none.textContent, /listQ850\(\)/);
  const rows = [
    { cause: 17, name: "User busy", class: "normal event", explanation: "The called party is busy." },
    { cause: 16, name: "Normal call clearing", class: "normal event", explanation: "A party hung up." },
  ];
  const q = R.renderKbList(doc, "q850", rows, "busy");
  assert.equal(q.getAttribute("data-count"), "1");
  assert.ok(q.textContent.includes("17 User busy"));
  assert.equal(R.renderKbList(doc, "q850", rows, "1").getAttribute("data-count"), "2");
  const w = R.renderKbList(doc, "warning", [{ code: 399, text: "Miscellaneous warning", meaning: "Anything else", spec: "RFC 3261 §20.43" }], "399");
  assert.ok(w.textContent.includes("399 Miscellaneous warning"));
  const rp = R.renderKbList(doc, "reason", [{ name: "RELEASE_CAUSE", spec: "3GPP TS 24.229", meaning: "why the UE or P-CSCF released", values: [{ cause: 2, text: "RTP/RTCP time-out", meaning: "no media" }] }], "rtcp");
  assert.equal(rp.getAttribute("data-count"), "1");
  assert.ok(rp.textContent.includes("2 RTP/RTCP time-out"));
  // What this build's package exports, if anything, renders.
  for (const [kind, meta] of Object.entries(R.KB_LISTS)) {
    if (typeof pkg[meta.fn] !== "function") continue;
    const list = R.renderKbList(doc, kind, pkg[meta.fn](), "");
    assert.ok(Number(list.getAttribute("data-count")) > 0, meta.fn);
  }
});

test("Compare: bottom line and the RFC 3398 Q.850 row", () => {
  const c = compareCodes(486, 600);
  const table = [{ sip: 486, cause: 17, causeText: "User busy" }, { sip: 600, cause: 17, causeText: "User busy" }];
  const cmp = R.renderComparison(doc, c, table);
  const line = cmp.find(byAttr("data-role", "bottom-line")).textContent;
  assert.match(line, /^Bottom line: /);
  assert.ok(line.includes("486") && line.includes("600"));
  const q = cmp.find(byAttr("data-aspect", "Q.850 (RFC 3398)"));
  assert.ok(q.textContent.includes("cause 17 User busy"));
  // Without a table (and without the core's field), the page says the mapping is missing.
  const bare = R.renderComparison(doc, c, null);
  if (c.a.q850 === undefined) assert.ok(bare.find(byAttr("data-role", "q850-unavailable")));
  assert.ok(R.comparisonBottomLine(compareCodes(480, 486)).startsWith("Both are 4xx request failure"));
  // The package's own RFC 3398 §7.2.4.1 table: 486 ↔ cause 17, 480 ↔ cause 18.
  if (typeof pkg.listSipToQ850 === "function") {
    const real = R.renderComparison(doc, compareCodes(480, 486), pkg.listSipToQ850());
    const row = real.find(byAttr("data-aspect", "Q.850 (RFC 3398)")).findAll(byTag("td")).map((t) => t.textContent);
    assert.match(row[0], /^cause 18\b/);
    assert.match(row[1], /^cause 17\b/);
  }
});
