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

test("renderLadder: a media band per stream between its lanes, DTMF keys at their rows", () => {
  const doc = createDocument();
  const arrow = (index, from, to, label, at) => ({ index, from, to, label, class: "request", at, time: at - 100, delta: null, sdp: null, retransmission: false });
  const ladderTrace = {
    ...trace,
    ladder: {
      lanes: [{ address: "10.0.0.1", title: "10.0.0.1" }, { address: "10.0.0.2", title: "10.0.0.2" }],
      arrows: [arrow(0, 0, 1, "INVITE", 100), arrow(1, 1, 0, "200 OK (INVITE)", 100.1), arrow(2, 0, 1, "ACK", 100.12), arrow(3, 0, 1, "BYE", 102.5)],
    },
    media: {
      streams: [
        { id: 0, call: 0, srcAddr: "10.0.0.1", srcPort: 4000, dstAddr: "10.0.0.2", dstPort: 5000, ssrc: 0x11111111, packets: 103, lost: 3, maxJitterMs: 0, firstTime: 100.2, lastTime: 102.3, payloadTypes: [{ payloadType: 8, codec: "PCMA" }, { payloadType: 101, codec: "telephone-event" }], events: [{ key: "1", time: 101 }, { key: "#", time: 101.56 }] },
        { id: 1, call: null, srcAddr: "192.0.2.9", srcPort: 1, dstAddr: "10.0.0.2", dstPort: 2, ssrc: 1, packets: 9, lost: 0, maxJitterMs: null, firstTime: 100.5, lastTime: 100.6, payloadTypes: [], events: [] },
      ],
    },
  };
  const svgRoot = T.renderLadder(doc, ladderTrace);
  const bands = svgRoot.findAll((e) => e.getAttribute?.("class") === "media-band");
  assert.equal(bands.length, 1, "the stream from an address that is no lane is not drawn");
  assert.equal(bands[0].textContent, "RTP 10.0.0.1:4000 → 10.0.0.2:5000, SSRC 0x11111111, PCMA+telephone-event, 103 packets, lost 3, max jitter 0.0 ms, DTMF 1#");
  // Between the ACK (#3, at 100.12 s) and the BYE (#4, at 102.5 s), in proportion to the time.
  const centre = (i) => {
    const hit = svgRoot.find((e) => e.getAttribute?.("data-index") === String(i)).find((e) => e.getAttribute?.("class") === "hit");
    return Number(hit.getAttribute("y")) + Number(hit.getAttribute("height")) / 2;
  };
  const [ack, bye] = [centre(2), centre(3)];
  const y1 = Number(bands[0].getAttribute("y"));
  const y2 = y1 + Number(bands[0].getAttribute("height"));
  assert.ok(Math.abs(y1 - (ack + ((100.2 - 100.12) / 2.38) * (bye - ack))) < 1e-6, `${y1}`);
  assert.ok(Math.abs(y2 - (ack + ((102.3 - 100.12) / 2.38) * (bye - ack))) < 1e-6, `${y2}`);
  const keys = svgRoot.findAll((e) => e.getAttribute?.("class") === "media-dtmf").map((e) => e.textContent);
  assert.deepEqual(keys, ["DTMF 1", "DTMF #"]);
  assert.equal(T.mediaBands(doc, { ...ladderTrace, media: null }, ladderTrace.ladder, {}), null);
});

test("streamText: what the far end's RTCP reported, as the CLI's media line says it", () => {
  const st = { srcAddr: "10.0.0.1", srcPort: 4000, dstAddr: "10.0.0.2", dstPort: 5000, ssrc: 0xabc, packets: 1, lost: 0, maxJitterMs: null, payloadTypes: [{ payloadType: 0, codec: "PCMU" }], events: [] };
  const base = "RTP 10.0.0.1:4000 → 10.0.0.2:5000, SSRC 0x00000ABC, PCMU, 1 packet";
  assert.equal(T.streamText(st), base);
  assert.equal(T.streamText({ ...st, rtcp: { lastFractionLost: null, maxRoundTrip: null, maxXrRoundTrip: null } }), base, "RTCP with no figure adds nothing");
  const rtcp = { lastFractionLost: 2.34, maxRoundTrip: { value: 41.6 }, maxXrRoundTrip: { value: 80.2 } };
  assert.equal(T.streamText({ ...st, rtcp }), `${base}, RTCP loss 2.3%, RTCP round trip 80 ms`);
  assert.equal(T.streamText({ ...st, rtcp: { ...rtcp, maxXrRoundTrip: null } }), `${base}, RTCP loss 2.3%, RTCP round trip 42 ms`);
});
