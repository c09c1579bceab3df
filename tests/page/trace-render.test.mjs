// Unit tests of the trace view's pure render functions (www/trace-render.js) on the fake DOM,
// fed with real traces from the built package (pkg/trace-node.js): the SVG ladder, the dialog list,
// the flow findings, the Mermaid export, and the start-line count that routes pasted text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createDocument, byTag, byAttr, byClass } from "./fake-dom.mjs";
import * as T from "../../www/trace-render.js";
import { EXAMPLES } from "../../www/examples.js";
import { decodeTrace, decodeCapture, filterLadder } from "../../pkg/trace-node.js";

const fixtures = new URL("../fixtures/", import.meta.url);
const traceText = (name) => readFileSync(new URL(`traces/${name}`, fixtures), "utf8");
const doc = createDocument();
const SVG_NS = "http://www.w3.org/2000/svg";

test("countStartLines: every trace fixture is a trace, every example one message", () => {
  for (const f of readdirSync(new URL("traces/", fixtures))) assert.ok(T.countStartLines(traceText(f)) > 1, f);
  for (const e of EXAMPLES) assert.ok(T.countStartLines(e.text) <= 1, e.id);
});

test("the core's ladder model (trace.ladder): lanes by participant, one arrow per message, relative times", () => {
  const sng = decodeTrace(traceText("sngrep.txt"));
  const m = T.ladderOf(sng);
  // The core's participants: grouped by IP (RFC-less ephemeral ports are no new node), every ip:port on hover.
  assert.deepEqual(m.lanes.map((l) => l.address), ["10.0.0.1", "10.0.0.2"]);
  assert.deepEqual(m.lanes.map((l) => [l.title, l.evidence]), [["10.0.0.1", "10.0.0.1:5060"], ["10.0.0.2", "10.0.0.2:5060"]]);
  assert.equal(m.arrows.length, 7);
  const [a0, a1] = m.arrows;
  assert.deepEqual([a0.label, a0.from, a0.to, a0.class, T.timeText(a0)], ["INVITE", 0, 1, "request", "+0.000 s"]);
  assert.deepEqual([a1.label, a1.from, a1.class, T.timeText(a1), T.deltaText(a1)], ["100 Trying (INVITE)", 1, "provisional", "+0.050 s", "Δ50 ms"]);
  assert.equal(T.deltaText(a0), "", "no Δt before the first message");
  // Without addresses (plain text): two nodes from Via (never the Request-URI); responses reverse their request.
  const plain = T.ladderOf(decodeTrace(traceText("plain.txt")));
  assert.deepEqual(plain.lanes.map((l) => l.address), ["10.0.0.1", "10.0.0.2"]);
  assert.equal(plain.arrows[1].to, plain.arrows[0].from);
  assert.equal(plain.arrows[1].from, plain.arrows[0].to);
  assert.deepEqual(T.ladderOf({}), { lanes: [], arrows: [] });
});

test("renderLadder: an SVG built with createElementNS, arrows labelled and focusable", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const svg = T.renderLadder(doc, trace);
  assert.equal(svg.namespaceURI, SVG_NS);
  const arrows = svg.findAll(byClass("arrow"));
  assert.equal(arrows.length, 7);
  assert.equal(svg.findAll(byClass("participant")).length, 2);
  for (const a of arrows) {
    assert.equal(a.namespaceURI, SVG_NS);
    assert.equal(a.getAttribute("tabindex"), "0");
    assert.match(a.getAttribute("aria-label"), /: message \d+, /);
    // The accessible name holds the visible text (WCAG 2.5.3, label in name).
    assert.ok(a.getAttribute("aria-label").startsWith(a.findAll(byTag("text")).map((t) => t.textContent).filter(Boolean).join(" ")));
  }
  // Class in text, not colour alone.
  assert.match(arrows[1].getAttribute("aria-label"), /^100 Trying \(INVITE\): message 2, 1xx provisional, from 10\.0\.0\.2 to 10\.0\.0\.1, at \+0\.050 s$/);
  // Each row: its 1-based number, time and Δt.
  assert.deepEqual(svg.findAll(byClass("arrow-num")).map((t) => t.textContent), ["1", "2", "3", "4", "5", "6", "7"]);
  assert.equal(svg.findAll(byClass("arrow-delta"))[0].textContent, "Δ50 ms");
  assert.equal(arrows[1].getAttribute("data-class"), "provisional");
});

test("renderLadder: retransmissions are dashed and say so", () => {
  const text = traceText("sngrep.txt");
  const first = text.slice(0, text.indexOf("\n2026/", 1) + 1);
  const trace = decodeTrace(first + first.replace("10:00:00.000", "10:00:00.500") + text.slice(first.length));
  assert.ok(trace.messages[1].retransmission);
  const svg = T.renderLadder(doc, trace);
  const re = svg.find(byAttr("data-index", "1"));
  assert.ok(re.classList.contains("retransmission"));
  assert.match(re.textContent, /\(retransmission\)/);
  assert.equal(re.find(byClass("arrow-line")).getAttribute("stroke-dasharray"), "6 4");
});

test("markup inside a message stays text in the ladder and in Mermaid", () => {
  const evil = 'SIP/2.0 486 <img src=x onerror=alert(1)>; -->>x: #1;\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n\r\n';
  const invite = "INVITE sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n";
  const trace = decodeTrace(invite + evil);
  const svg = T.renderLadder(doc, trace);
  assert.equal(svg.findAll(byTag("img")).length, 0);
  assert.match(svg.find(byAttr("data-index", "1")).textContent, /<img src=x onerror=alert\(1\)>/);
  const mmd = T.toMermaid(trace.ladder);
  const lines = mmd.trimEnd().split("\n");
  assert.equal(lines.length, 1 + 2 + 2, "one line per participant and arrow: nothing split");
  for (const l of lines.slice(1)) assert.match(l, /^ {4}(participant p\d+ as [A-Za-z0-9 .:_/+()#;]+|p\d+-?->>p\d+: [A-Za-z0-9 .:_/+()#;]+)$/);
  assert.ok(!/<|>>x|-->>x/.test(lines[4].split(": ").slice(1).join(": ")));
});

test("toMermaid: a sequenceDiagram; requests solid, responses dashed", () => {
  const mmd = T.toMermaid(decodeTrace(traceText("sngrep.txt")).ladder);
  assert.ok(mmd.startsWith("sequenceDiagram\n"));
  assert.match(mmd, /participant p1 as 10\.0\.0\.1\n/);
  assert.match(mmd, /p1->>p2: 1 INVITE SDP offer \+0\.000 s\n/);
  assert.match(mmd, /p2-->>p1: 4 200 OK \(INVITE\) SDP answer \+3\.000 s\n/);
  assert.match(mmd, /p2-->>p1: 2 100 Trying \(INVITE\) \+0\.050 s\n/);
  assert.equal(T.mermaidEscape('a;b#c"d'), "a#59;b#35;c#34;d");
});

test("renderDialogs: state, final code, Reason and timings", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const sec = T.renderDialogs(doc, trace);
  assert.equal(sec.getAttribute("aria-label"), "Calls");
  const rows = sec.findAll(byAttr("data-dialog"));
  assert.equal(rows.length, trace.dialogs.length);
  const dg = trace.dialogs[0];
  assert.equal(rows[0].find(byAttr("data-role", "state")).textContent, dg.state);
  assert.match(rows[0].find(byAttr("data-role", "final-code")).textContent, /^200 OK$/);
  assert.equal(rows[0].find(byAttr("data-role", "method")).textContent, "INVITE");
  assert.equal(rows[0].find(byAttr("data-role", "from")).textContent, T.uriUser(dg.caller) ?? dg.fromUser);
  assert.equal(rows[0].find(byAttr("data-role", "start")).textContent, dg.startTimestamp ?? trace.messages[dg.messages[0]].timestamp);
  assert.ok(rows[0].find(byAttr("data-role", "addresses")).textContent.includes("10.0.0.1"));
  assert.ok(rows[0].find(byAttr("data-role", "duration")));
  assert.ok(rows[0].find(byClass("dialog-pick")), "a button shows the dialog alone");
  if (dg.setupTimeMs !== null) assert.ok(rows[0].textContent.includes(T.formatMs(dg.setupTimeMs)));
  assert.equal(T.formatMs(50), "50 ms");
  assert.equal(T.formatMs(1500), "1.500 s");
});

test("dialogReason: the Reason header of the final response", () => {
  const invite = "INVITE sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK7\r\nCall-ID: r\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n";
  const busy = 'SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK7\r\nCall-ID: r\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=9\r\nReason: Q.850;cause=17;text="User busy"\r\n\r\n';
  const trace = decodeTrace(invite + busy);
  assert.equal(trace.dialogs.length, 1);
  assert.equal(T.dialogReason(trace, trace.dialogs[0]), 'Q.850;cause=17 "User busy"');
  const row = T.renderDialogs(doc, trace).find(byAttr("data-dialog", "0"));
  assert.equal(row.find(byAttr("data-role", "reason")).textContent, 'Q.850;cause=17 "User busy"');
});

test("renderFlowFindings: capture findings and flow findings with severity", () => {
  const trace = decodeCapture(new TextEncoder().encode("not a capture"));
  const sec = T.renderFlowFindings(doc, trace);
  assert.equal(sec.getAttribute("aria-label"), "Flow findings");
  const items = sec.findAll(byClass("finding"));
  assert.equal(items.length, trace.captureFindings.length + trace.findings.length);
  assert.ok(items.length > 0);
  assert.ok(items[0].find(byClass("sev")).textContent.match(/^(error|warning|info)$/));
});

test("a capture: ladder and dialogs from sip_ipv6_udp.pcap", () => {
  const trace = decodeCapture(readFileSync(new URL("captures/sip_ipv6_udp.pcap", fixtures)));
  const m = T.ladderOf(trace);
  assert.equal(m.lanes.length, 2);
  assert.equal(m.arrows.length, trace.messages.length);
  assert.ok(T.renderDialogs(doc, trace).findAll(byAttr("data-dialog")).length >= 1);
  assert.match(T.traceSummary(trace), /pcap capture/);
});

test("renderLadder with a limit: the first arrows only, every participant, the total in its name", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const svg = T.renderLadder(doc, trace, 3);
  assert.deepEqual(svg.findAll(byClass("arrow")).map((g) => g.getAttribute("data-index")), ["0", "1", "2"]);
  assert.equal(svg.findAll(byClass("participant")).length, 2);
  assert.match(svg.getAttribute("aria-label"), /^Ladder diagram: the first 3 of 7 messages/);
  assert.equal(T.renderLadder(doc, trace, 100).findAll(byClass("arrow")).length, 7);
});

test("IPv6 lanes: shortest form (RFC 5952), cut to fit, full address kept for the hover title", () => {
  assert.equal(T.compressIpv6("[2001:0db8:0000:0000:0000:0000:0000:0001]:5060"), "[2001:db8::1]:5060");
  assert.equal(T.compressIpv6("fe80:0:0:0:1:0:0:2"), "fe80::1:0:0:2");
  assert.equal(T.compressIpv6("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
  assert.equal(T.compressIpv6("10.0.0.1:5060"), "10.0.0.1:5060");
  const trace = decodeCapture(readFileSync(new URL("captures/sip_ipv6_udp.pcap", fixtures)));
  // The lane names are the core's short names (21 characters at most; a cut IPv6 address keeps
  // its first group and whole groups of its end).
  const head = T.renderLadderHead(doc, T.ladderOf(trace));
  const names = head.findAll(byClass("participant-name")).map((t) => t.textContent);
  assert.deepEqual(names, T.ladderOf(trace).lanes.map((l) => l.short));
  for (const n of names) assert.ok([...n].length <= 21, n);
  assert.deepEqual(names, ["fe80:…:a0ff:fe07:32e0", "fec0:…:d3ff:fe0d:22c"]);
  const svg = T.renderLadder(doc, trace);
  const titles = svg.findAll(byTag("title")).slice(1).map((t) => t.textContent);
  const model = T.ladderOf(trace);
  assert.deepEqual(titles, model.lanes.map((l) => (l.evidence ? `${l.title} (${l.evidence})` : l.title)), "each lane's <title> is its hover text");
  model.lanes.forEach((l, i) => assert.ok(titles[i].startsWith(l.address), `the full address first: ${titles[i]}`));
});

test("responses name their CSeq method; the core's label wins when present", () => {
  const invite = "INVITE sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKp\r\nCall-ID: p\r\nCSeq: 2 PRACK\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n\r\n";
  const ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKp\r\nCall-ID: p\r\nCSeq: 2 PRACK\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n\r\n";
  const trace = decodeTrace(invite.replace("INVITE", "PRACK") + ok);
  assert.equal(T.messageLabel(trace.messages[1]), "200 OK (PRACK)");
  assert.equal(T.messageLabel({ ...trace.messages[1], label: "core label" }), "core label");
});

test("the model's lanes (roles, evidence) name the lanes", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const core = T.ladderOf(trace);
  // The shape of trace.ladder.lanes (schema/trace.schema.json).
  const withRoles = {
    ...trace,
    ladder: {
      ...core,
      lanes: [
        { participant: 0, label: "P-CSCF", address: "10.0.0.2:5060", role: "P-CSCF", title: "P-CSCF 10.0.0.2:5060", evidence: "Path with a P-CSCF URI (#1)" },
        { participant: 1, label: "UE", address: "10.0.0.1:5060", role: "UE", title: "UE 10.0.0.1:5060", evidence: null },
      ],
    },
  };
  const svg = T.renderLadder(doc, withRoles);
  assert.deepEqual(svg.findAll(byClass("participant-role")).map((t) => t.textContent), ["P-CSCF", "UE"]);
  assert.equal(svg.findAll(byTag("title"))[1].textContent, "P-CSCF 10.0.0.2:5060 (Path with a P-CSCF URI (#1))", "hover: the full address and the role's evidence");
  assert.match(svg.find(byAttr("data-index", "0")).getAttribute("aria-label"), /from P-CSCF 10\.0\.0\.2:5060 to UE 10\.0\.0\.1:5060/);
});

test("SDP on arrows: the core's offer/answer, else 'SDP' for a body with SDP", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const core = T.ladderOf(trace);
  assert.equal(T.sdpText(core.arrows[0]), "SDP offer", "the core's pairing (RFC 3264)");
  assert.equal(T.sdpText(core.arrows[3]), "SDP answer");
  assert.equal(core.arrows[3].answers, 0);
  assert.equal(T.sdpText({ sdp: null, hasSdp: true }), "SDP", "a body not paired");
  assert.equal(T.sdpText({ sdp: null, hasSdp: false }), null);
  const svg = T.renderLadder(doc, trace);
  const first = svg.find(byAttr("data-index", "0"));
  assert.equal(first.getAttribute("data-sdp"), "SDP offer");
  assert.match(first.find(byClass("arrow-label")).textContent, /^INVITE · SDP offer$/);
  assert.match(svg.find(byAttr("data-index", "3")).getAttribute("aria-label"), /^200 OK \(INVITE\) · SDP answer: message 4, .*, answering the SDP offer of message 1$/);
});

test("one dialog alone (the package's filterLadder): its messages, original numbers, the lanes they use", () => {
  const invite = (id, from, to) => `INVITE sip:c@${to} SIP/2.0\r\nVia: SIP/2.0/UDP ${from};branch=z9hG4bK${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n`;
  const ok = (id, from) => `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP ${from};branch=z9hG4bK${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n\r\n`;
  const trace = decodeTrace(invite("one", "10.0.0.1", "10.0.0.2") + ok("one", "10.0.0.1") + invite("two", "10.0.0.3", "10.0.0.1") + ok("two", "10.0.0.3"));
  assert.equal(trace.dialogs.length, 2);
  const m = filterLadder(trace.ladder, { dialog: 1 });
  assert.deepEqual(m.arrows.map((x) => x.index), [2, 3], "the whole trace's numbers");
  assert.deepEqual(m.lanes.map((l) => l.address), ["10.0.0.3", "10.0.0.1"], "lanes in order of appearance");
  assert.deepEqual([m.arrows[0].from, m.arrows[0].to], [0, 1]);
  assert.deepEqual(filterLadder(trace.ladder, { callId: "one" }).arrows.map((x) => x.index), [0, 1]);
  assert.deepEqual(filterLadder(trace.ladder, {}), trace.ladder);
  assert.throws(() => filterLadder(trace.ladder, { dialog: "x" }), /filterLadder: invalid filter/);
  assert.throws(() => filterLadder(null, {}), TypeError);
  const svg = T.renderLadder(doc, trace, Infinity, { model: m, names: false });
  assert.equal(svg.findAll(byClass("arrow")).length, 2);
  assert.equal(svg.findAll(byClass("participant-name")).length, 0, "names are in the sticky head");
  const head = T.renderLadderHead(doc, m);
  assert.equal(head.getAttribute("class"), "ladder-head");
  assert.equal(head.findAll(byClass("participant-name")).length, m.lanes.length);
  assert.equal(head.getAttribute("width"), svg.getAttribute("width"), "head and ladder scroll together");
  // Compact (a phone): a narrower gutter, time over Δt, head and ladder still as wide.
  const sng = decodeTrace(traceText("sngrep.txt"));
  const one = filterLadder(sng.ladder, { dialog: 0 });
  const wide = T.renderLadder(doc, sng, Infinity, { model: one, names: false });
  const c = T.renderLadder(doc, sng, Infinity, { model: one, names: false, compact: true });
  assert.ok(Number(c.getAttribute("width")) < Number(wide.getAttribute("width")));
  assert.equal(T.renderLadderHead(doc, one, { compact: true }).getAttribute("width"), c.getAttribute("width"));
  const [t1, d1] = [c.findAll(byClass("arrow-time"))[1], c.findAll(byClass("arrow-delta"))[0]];
  assert.equal(t1.getAttribute("x"), d1.getAttribute("x"), "time over Δt");
});

test("the call list filters by words and outcome", () => {
  const invite = (id, tag) => `INVITE sip:bob@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nFrom: <sip:alice@b>;tag=${tag}\r\nTo: <sip:bob@d>\r\n\r\n`;
  const resp = (id, tag, code) => `SIP/2.0 ${code}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nFrom: <sip:alice@b>;tag=${tag}\r\nTo: <sip:bob@d>;tag=x${id}\r\n\r\n`;
  const trace = decodeTrace(invite("call-one", 1) + resp("call-one", 1, "486 Busy Here") + invite("call-two", 2) + resp("call-two", 2, "200 OK"));
  assert.equal(trace.dialogs.length, 2);
  const sec = T.renderDialogs(doc, trace);
  assert.equal(T.filterDialogRows(sec, "", ""), 2);
  assert.equal(T.filterDialogRows(sec, "call-two", ""), 1);
  const visible = () => sec.findAll(byAttr("data-dialog")).filter((r) => r.tagName === "TR" && !r.hasAttribute("hidden"));
  assert.equal(visible()[0].find(byAttr("data-role", "final-code")).textContent, "200 OK");
  assert.equal(T.filterDialogRows(sec, "", "failed"), 1);
  assert.equal(visible()[0].find(byAttr("data-role", "final-code")).textContent, "486 Busy Here");
  assert.equal(T.filterDialogRows(sec, "alice bob 486", ""), 1);
  assert.equal(T.filterDialogRows(sec, "nobody", ""), 0);
  assert.equal(sec.find(byAttr("data-role", "dialog-count")).textContent, "0 dialogs shown");
  assert.equal(T.dialogOutcome({ finalCode: null }), "open");
});

test("flow findings are grouped by rule (SL405 × 3) and their messages are links", () => {
  const f = (id, severity, messages, message = "same") => ({ id, slug: "x", severity, category: "protocol", message, messages, frame: null, specRef: "RFC 3261" });
  const trace = { captureFindings: [], findings: [f("SL405", "info", [0]), f("SL405", "info", [2]), f("SL405", "info", [4], "other text"), f("SL401", "error", [1, 3])] };
  const g = T.groupFindings(trace.findings);
  assert.deepEqual(g.map((x) => [x.id, x.count]), [["SL401", 1], ["SL405", 3]], "errors first");
  const sec = T.renderFlowFindings(doc, trace);
  const items = sec.findAll(byClass("finding"));
  assert.equal(items.length, 2);
  assert.equal(items[1].find(byAttr("data-role", "count")).textContent, "× 3");
  assert.deepEqual(items[1].findAll(byClass("msg-link")).map((b) => [b.getAttribute("data-msg"), b.textContent]), [["0", "1"], ["2", "3"], ["4", "5"]]);
  assert.ok(items[1].textContent.includes("2 different texts"));
  assert.match(sec.find(byTag("h2")).textContent, /4 in 2 groups/);
});

test("wording: traceSummary says 1 dialog, 2 participants", () => {
  const invite = "INVITE sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK7\r\nCall-ID: r\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n";
  const busy = "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK7\r\nCall-ID: r\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=9\r\n\r\n";
  const s = T.traceSummary(decodeTrace(invite + busy));
  assert.match(s, /^2 messages, 2 participants, 1 dialog \(pasted text\)$/);
});

test("trace reports: Markdown and HTML hold the call list, grouped findings and the ladder as text", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const md = T.traceToMarkdown(trace, { version: "t" });
  assert.ok(md.startsWith("# siplens trace report: "));
  assert.match(md, /\| # \| Call-ID \| From \| To \| Method \| Final \|/);
  assert.match(md, /\| 1 \| .* \| INVITE \| 200 OK \|/);
  assert.ok(md.includes(T.ladderText(trace.ladder)));
  assert.match(T.ladderText(trace.ladder).split("\n")[1], /^ +2 +\+0\.050 s +Δ50 ms +10\.0\.0\.2 → 10\.0\.0\.1 +100 Trying \(INVITE\)$/);
  const main = T.renderTraceReport(doc, trace, { version: "t" });
  assert.equal(main.findAll(byTag("table")).length, 1);
  assert.ok(main.find(byTag("pre")).textContent.includes("INVITE"));
  // One call as text: a line per message, then its raw text.
  const dg = trace.dialogs[0];
  const txt = T.callText(trace, dg, Object.fromEntries(dg.messages.map((i) => [i, trace.messages[i].raw])));
  assert.match(txt, /^# siplens: dialog 1 \(Call-ID /);
  assert.equal((txt.match(/^# message \d+/gm) ?? []).length, dg.messages.length);
  assert.ok(txt.includes(trace.messages[dg.messages[0]].raw.replace(/\r\n/g, "\n").trimEnd()));
});

test("triageInput: what the page decodes for each kind the core's triage names", () => {
  const sip = "INVITE sip:bob@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\nCall-ID: t\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:bob@d>\r\n\r\n";
  // Text with no SIP: nothing to decode, the note says what it is.
  const none = T.triageInput({ kind: "notSip", note: "Text without a SIP message.", extracted: null, messages: 0 }, "hello world");
  assert.deepEqual([none.noSip, none.extracted, none.text], [true, false, "hello world"]);
  // A SIP message: decoded as it is, no note shown.
  const msg = T.triageInput({ kind: "sipMessage", note: "One SIP message.", extracted: null, messages: 1 }, sip);
  assert.deepEqual([msg.noSip, msg.extracted, msg.text], [false, false, sip]);
  // A Wireshark copy: the one message read out of it, without its address line.
  const ws = T.triageInput({ kind: "wiresharkDetails", note: "A Wireshark packet-details copy.", extracted: `--- udp 10.0.0.1:5060 -> 10.0.0.2:5060 ---\n${sip}`, messages: 1 }, "Session Initiation Protocol (INVITE)");
  assert.deepEqual([ws.noSip, ws.extracted, ws.text], [false, true, sip]);
  // Two messages out of a hex dump stay a trace (the splitter reads the address lines).
  const two = `--- udp a -> b ---\n${sip}--- udp b -> a ---\n${sip}`;
  assert.equal(T.triageInput({ kind: "hexDump", note: "A hex dump.", extracted: two, messages: 2 }, "0000  49 4e").text, two);
  // A hex dump of a pcap file: its bytes are no text to decode.
  const pcap = T.triageInput({ kind: "hexDump", note: "A hex dump of a pcap file.", extracted: "\ufffd\ufffd\u00b2\u00a1\u0002\u0000", messages: 0 }, "0000  d4 c3 b2 a1");
  assert.deepEqual([pcap.noSip, pcap.extracted], [true, false]);
});

test("renderEspSas: each IPsec ESP SA with its packets, the one that lost a packet flagged; none for text", () => {
  const trace = decodeCapture(readFileSync(new URL("esp/esp_aes_ipv4_udp_lost.pcap", fixtures)));
  assert.equal(trace.espSas.length, 4);
  const sec = T.renderEspSas(doc, trace);
  assert.equal(sec.getAttribute("aria-label"), "IPsec ESP");
  assert.equal(sec.find(byTag("h2")).textContent, "IPsec ESP (4 SAs, 1 with numbers missing or repeated)");
  const lost = sec.find(byAttr("data-spi", "0x00002002"));
  assert.equal(lost.getAttribute("class"), "esp-sa flagged");
  assert.match(lost.textContent, /^ESP 0x00002002 aes-cbc\/hmac-sha-1-96 ✓ \(SA negotiated in frame 3, keys from frame 2\)/);
  assert.equal(lost.find(byAttr("data-role", "packets")).textContent, "10.0.0.1 → 10.0.0.2:5064: 2 packets, numbered 1 to 3, 1 missing · first in frame 4");
  const one = trace.espSas.find((r) => r.spi === "0x00001002");
  assert.equal(one.text, "10.0.0.2 → 10.0.0.1:31900: 1 packet, numbered 1");
  assert.equal(T.renderEspSas(doc, decodeTrace(traceText("sngrep.txt"))), null);
});
