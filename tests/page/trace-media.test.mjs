// The call list's media column (www/trace-render.js mediaText): the RTP streams the core bound to
// each call (trace.media.streams), on a trace shaped like the core's JSON (schema/trace.schema.json;
// tests/rtp_trace.rs checks the core's side), so it runs without the built package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDocument, byAttr } from "./fake-dom.mjs";
import * as T from "../../www/trace-render.js";

const stream = (call, packets, lost, jitter, keys) => ({
  call,
  packets,
  lost,
  maxJitterMs: jitter,
  events: [...keys].map((key) => ({ key })),
});

const trace = {
  messages: [{ src: "10.0.0.1:5060", dst: "10.0.0.2:5060", decoded: {} }],
  dialogs: [
    { id: 0, call: 0, kind: "INVITE", state: "terminated", finalCode: 200, messages: [0] },
    { id: 1, call: 1, kind: "INVITE", state: "early", finalCode: null, messages: [0] },
  ],
  media: { streams: [stream(0, 103, 3, 0, "1#"), stream(0, 110, 0, 4.096, ""), stream(null, 50, 0, null, "")] },
};

test("mediaText: streams, packets, loss, highest jitter and DTMF of the dialog's call", () => {
  assert.equal(T.mediaText(trace, trace.dialogs[0]), "2 streams · 213 pkts · lost 3 · jitter ≤ 4.1 ms · DTMF 1#");
  assert.equal(T.mediaText(trace, trace.dialogs[1]), "—", "no stream of call 2");
  assert.equal(T.mediaText({ ...trace, media: null }, trace.dialogs[0]), "—", "a text trace has no media");
  assert.equal(T.mediaText(trace, { ...trace.dialogs[0], call: null }), "—");
});

test("renderDialogs: a Media column per dialog", () => {
  const doc = createDocument();
  const sec = T.renderDialogs(doc, trace);
  const rows = sec.findAll(byAttr("data-dialog"));
  assert.equal(rows[0].find(byAttr("data-role", "media")).textContent, "2 streams · 213 pkts · lost 3 · jitter ≤ 4.1 ms · DTMF 1#");
  assert.equal(rows[1].find(byAttr("data-role", "media")).textContent, "—");
  assert.ok(T.traceToMarkdown({ ...trace, captureFindings: [], findings: [], participants: [], ladder: { lanes: [], arrows: [] }, source: "pcap", frames: 1 }).includes("| Media |"));
});
