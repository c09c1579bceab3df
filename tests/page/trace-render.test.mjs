// Unit tests of the trace view's pure render functions (www/trace-render.js) on the fake DOM,
// fed with real traces from the built package (pkg/node.js): the SVG ladder, the dialog list,
// the flow findings, the Mermaid export, and the start-line count that routes pasted text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createDocument, byTag, byAttr, byClass } from "./fake-dom.mjs";
import * as T from "../../www/trace-render.js";
import { EXAMPLES } from "../../www/examples.js";
import { decodeTrace, decodeCapture } from "../../pkg/node.js";

const fixtures = new URL("../fixtures/", import.meta.url);
const traceText = (name) => readFileSync(new URL(`traces/${name}`, fixtures), "utf8");
const doc = createDocument();
const SVG_NS = "http://www.w3.org/2000/svg";

test("countStartLines: every trace fixture is a trace, every example one message", () => {
  for (const f of readdirSync(new URL("traces/", fixtures))) assert.ok(T.countStartLines(traceText(f)) > 1, f);
  for (const e of EXAMPLES) assert.ok(T.countStartLines(e.text) <= 1, e.id);
});

test("ladderModel: participants by address, one arrow per message, relative times", () => {
  const m = T.ladderModel(decodeTrace(traceText("sngrep.txt")));
  assert.deepEqual(m.participants, ["10.0.0.1:5060", "10.0.0.2:5060"]);
  assert.equal(m.arrows.length, 7);
  assert.deepEqual([m.arrows[0].label, m.arrows[0].from, m.arrows[0].to, m.arrows[0].cls, m.arrows[0].time], ["INVITE", 0, 1, "request", "+0.000 s"]);
  assert.deepEqual([m.arrows[1].label, m.arrows[1].from, m.arrows[1].cls, m.arrows[1].time], ["100 Trying", 1, "provisional", "+0.050 s"]);
  // Without addresses (plain text): hosts from Via and the Request-URI; responses reverse their request.
  const p = T.ladderModel(decodeTrace(traceText("plain.txt")));
  assert.equal(p.participants[0], "10.0.0.1:5060");
  assert.equal(p.arrows[1].to, p.arrows[0].from);
  assert.equal(p.arrows[1].from, p.arrows[0].to);
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
  assert.match(arrows[1].getAttribute("aria-label"), /^100 Trying: message 2, 1xx provisional, from 10\.0\.0\.2:5060 to 10\.0\.0\.1:5060, at \+0\.050 s$/);
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
  const mmd = T.toMermaid(trace);
  const lines = mmd.trimEnd().split("\n");
  assert.equal(lines.length, 1 + 2 + 2, "one line per participant and arrow: nothing split");
  for (const l of lines.slice(1)) assert.match(l, /^ {4}(participant p\d+ as [A-Za-z0-9 .:_/+()#;]+|p\d+-?->>p\d+: [A-Za-z0-9 .:_/+()#;]+)$/);
  assert.ok(!/<|>>x|-->>x/.test(lines[4].split(": ").slice(1).join(": ")));
});

test("toMermaid: a sequenceDiagram; requests solid, responses dashed", () => {
  const mmd = T.toMermaid(decodeTrace(traceText("sngrep.txt")));
  assert.ok(mmd.startsWith("sequenceDiagram\n"));
  assert.match(mmd, /participant p1 as 10\.0\.0\.1:5060\n/);
  assert.match(mmd, /p1->>p2: INVITE \+0\.000 s\n/);
  assert.match(mmd, /p2-->>p1: 100 Trying \+0\.050 s\n/);
  assert.equal(T.mermaidEscape('a;b#c"d'), "a#59;b#35;c#34;d");
});

test("renderDialogs: state, final code, Reason and timings", () => {
  const trace = decodeTrace(traceText("sngrep.txt"));
  const sec = T.renderDialogs(doc, trace);
  assert.equal(sec.getAttribute("aria-label"), "Dialogs");
  const rows = sec.findAll(byAttr("data-dialog"));
  assert.equal(rows.length, trace.dialogs.length);
  const dg = trace.dialogs[0];
  assert.equal(rows[0].find(byAttr("data-role", "state")).textContent, dg.state);
  assert.match(rows[0].find(byAttr("data-role", "final-code")).textContent, /^200 OK$/);
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
  const m = T.ladderModel(trace);
  assert.equal(m.participants.length, 2);
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
