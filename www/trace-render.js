// siplens page: pure render functions for a trace (the `Trace` of decodeTrace / decodeCapture):
// the SVG ladder, the dialog list, the flow findings and the Mermaid export. Same rules as
// render.js: data and a document in, nodes out; no globals, no listeners, no innerHTML. The
// ladder is built with createElementNS and every piece of message text is a text node, so
// XMLSerializer escapes it when the SVG is exported.
import { h, CLASS_LABELS, plural, mdEscape } from "./render.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Stroke colours by class, set as presentation attributes so an exported SVG keeps them
 * (the page's style.css overrides them per theme). Colour is never alone: labels say it too. */
const CLASS_COLOURS = {
  request: "#1b1f24",
  provisional: "#0b5cad",
  success: "#1a7f37",
  redirection: "#6f42c1",
  "request-failure": "#b35900",
  "server-failure": "#c62828",
  "global-failure": "#8e1b5a",
  invalid: "#57606a",
};

const LAYOUT = { col: 176, left: 150, top: 46, row: 34, bottom: 16, head: 40 };
/** The gutter of a compact ladder (number, then time over Δt). */
const COMPACT_LEFT = 82;

/** `n thing(s)` with the plural rule of render.js. */
export { plural };

/** The user part of a SIP/tel URI (`sip:alice@host` → `alice`, `tel:+1555` → `+1555`), or null. */
export function uriUser(uri) {
  if (!uri) return null;
  const m = /^[a-z]+:([^@;?>]+)@/i.exec(uri) ?? /^tel:([^;?>]+)/i.exec(uri);
  return m ? m[1] : null;
}

/** Seconds as text that fits a ladder row: `1.234 s` below 1000 s, whole seconds below a day, then days. */
function formatSeconds(s) {
  if (s < 1000) return `${s.toFixed(3)} s`;
  if (s < 86400) return `${Math.round(s)} s`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** A duration in milliseconds as text, or null. */
export function formatMs(ms) {
  if (ms === null || ms === undefined) return null;
  return ms >= 1000 ? formatSeconds(ms / 1000) : `${Math.round(ms)} ms`;
}

/**
 * An IPv6 address in its shortest form (RFC 5952: the longest run of zero groups becomes `::`,
 * leading zeros dropped), keeping brackets and port; other addresses unchanged.
 */
export function compressIpv6(addr) {
  const m = /^(\[)?([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(\])?(:\d+)?$/.exec(addr ?? "");
  if (!m || (m[1] && !m[3]) || (!m[1] && m[4])) return addr;
  let groups;
  const ip = m[2].toLowerCase();
  if (ip.includes("::")) {
    const [l, r] = ip.split("::");
    const left = l ? l.split(":") : [];
    const right = r ? r.split(":") : [];
    const fill = 8 - left.length - right.length;
    if (fill < 0) return addr;
    groups = [...left, ...Array(fill).fill("0"), ...right];
  } else groups = ip.split(":");
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return addr;
  groups = groups.map((g) => g.replace(/^0+(?=.)/, ""));
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j;
  }
  let out = groups.join(":");
  if (best[0] >= 0) out = `${groups.slice(0, best[0]).join(":")}::${groups.slice(best[0] + best[1]).join(":")}`;
  return m[1] ? `[${out}]${m[4] ?? ""}` : out;
}

/**
 * What an arrow says: the core's `label` when it gives one; else the method of a request, and
 * `code reason (CSeq method)` of a response ("200 OK (PRACK)").
 */
export function messageLabel(m) {
  if (typeof m.label === "string" && m.label) return m.label;
  const d = m.decoded;
  if (d.status) return `${d.status.code ?? "???"} ${d.status.reasonPhrase}`.trim() + (d.cseq?.method ? ` (${d.cseq.method})` : "");
  if (d.request) return d.request.method;
  return "invalid message";
}

/** A participant of the core's list (`trace.participants`) by its full address (the dialog list's addresses). */
function participantName(p) {
  if (typeof p === "string") return p;
  return String(p.address ?? p.label ?? "unknown");
}

/**
 * The ladder of a trace: the core's model (`trace.ladder`: lanes and arrows, computed in Rust
 * and shared with the CLI's text ladder). One call's ladder is the package's
 * `filterLadder(trace.ladder, { dialog })`; this file only lays it out.
 */
export function ladderOf(trace) {
  return trace?.ladder ?? { lanes: [], arrows: [] };
}

/** An arrow's time since the first timed message, as `+1.234 s` (empty when untimed). */
export function timeText(a) {
  return a.time === null || a.time === undefined ? "" : `+${formatSeconds(a.time)}`;
}

/** An arrow's Δt since the previous timed arrow shown, as `Δ50 ms` (empty on the first). */
export function deltaText(a) {
  return a.delta === null || a.delta === undefined ? "" : `Δ${formatMs(a.delta * 1000)}`;
}

/** "SDP offer" / "SDP answer" (the core's `sdp` pairing, RFC 3264), "SDP" for a body not paired, or null. */
export function sdpText(a) {
  if (a.sdp === "offer" || a.sdp === "answer") return `SDP ${a.sdp}`;
  return a.hasSdp ? "SDP" : null;
}

/** A lane's hover text (the SVG <title>): its title, then what names its role and its other addresses. */
function laneHover(l) {
  return l.evidence ? `${l.title} (${l.evidence})` : l.title;
}

/** A lane's name as an arrow's accessible text says it: "P-CSCF 10.0.0.1:5060" or the address. */
function laneText(model, i) {
  return model.lanes[i]?.title ?? "";
}

function svg(doc, tag, attrs, ...children) {
  const el = doc.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.appendChild(typeof c === "object" ? c : doc.createTextNode(String(c)));
  }
  return el;
}

/** Accessible text of one arrow: its visible label first (WCAG 2.5.3), then message number,
 * class, participants and time. */
export function arrowText(model, a) {
  const cls = a.class === "request" ? "request" : CLASS_LABELS[a.class] ?? a.class;
  const shown = arrowLabel(a);
  const time = timeText(a);
  const when = time ? `, at ${time}` : "";
  const answers = a.answers !== null && a.answers !== undefined ? `, answering the SDP offer of message ${a.answers + 1}` : "";
  const esp = a.esp ? `, read out of IPsec ${a.esp}` : "";
  return `${shown}: message ${a.index + 1}, ${cls}, from ${laneText(model, a.from)} to ${laneText(model, a.to)}${when}${answers}${esp}`;
}

/** The visible text of an arrow: label, SDP mark, retransmission, ESP (read out of IPsec). */
function arrowLabel(a) {
  const sdp = sdpText(a);
  return `${a.label}${sdp ? ` · ${sdp}` : ""}${a.retransmission ? " (retransmission)" : ""}${a.esp ? " · ESP" : ""}`;
}

/** The lane names: a role line (when known) over the core's short address (`lane.short`: an address keeps its end, an IPv6 address its first group and the whole groups of its end that fit, a host name its start past the shared domain); the full address as the SVG <title> (shown on hover). */
function laneNames(doc, model, x, y) {
  return model.lanes.map((l, i) =>
    svg(doc, "g", { class: "lane-name", "data-participant": String(i) },
      svg(doc, "title", null, laneHover(l)),
      l.role ? svg(doc, "text", { x: x(i), y: y - 13, "text-anchor": "middle", "font-weight": "700", fill: "#1b1f24", class: "participant-role" }, l.role) : null,
      svg(doc, "text", { x: x(i), y, "text-anchor": "middle", "font-weight": "600", fill: "#1b1f24", class: "participant-name" }, l.short)),
  );
}

/**
 * The ladder's participant header alone (an <svg class="ladder-head">, as wide as the ladder),
 * for the page, which keeps it in view (sticky) while the ladder scrolls under it.
 */
export function renderLadderHead(doc, model, options = {}) {
  const { col, head } = LAYOUT;
  const left = options.compact ? COMPACT_LEFT : LAYOUT.left;
  const width = left + Math.max(model.lanes.length, 1) * col;
  const x = (i) => left + col / 2 + i * col;
  const root = svg(doc, "svg", { xmlns: SVG_NS, class: "ladder-head", width, height: head, viewBox: `0 0 ${width} ${head}`, role: "group", "aria-label": `Participants: ${model.lanes.map((l) => l.title).join(", ")}`, "font-family": "system-ui, sans-serif", "font-size": "12" });
  for (const n of laneNames(doc, model, x, head - 8)) root.appendChild(n);
  return root;
}

/**
 * The ladder diagram: an <svg> with a column per lane and an arrow per message (a `g.arrow`
 * with `data-index`, focusable, labelled) of the core's model (`trace.ladder`). Each row starts
 * with the message number (1-based, as everywhere), the time since the first message and Δt
 * since the row above. Retransmissions are dashed and say so; SDP bodies are marked. `limit`
 * draws only the first arrows (a capture of thousands of messages). Options: `model` (the
 * ladder to draw instead of the whole trace's: one call's, from the package's `filterLadder`),
 * `names: false` (no participant names on top: the page draws them in a sticky header),
 * `compact: true` (a narrow gutter, time over Δt: a phone).
 */
export function renderLadder(doc, trace, limit = Infinity, options = {}) {
  // The arrow list of the caller's model is not changed.
  const model = { ...(options.model ?? ladderOf(trace)) };
  const total = model.arrows.length;
  if (limit < total) model.arrows = model.arrows.slice(0, Math.max(0, limit));
  const names = options.names !== false;
  const { col, row, bottom } = LAYOUT;
  const compact = options.compact === true;
  const left = compact ? COMPACT_LEFT : LAYOUT.left;
  const top = names ? LAYOUT.top : 6;
  const width = left + Math.max(model.lanes.length, 1) * col;
  const height = top + model.arrows.length * row + bottom;
  const x = (i) => left + col / 2 + i * col;
  const root = svg(doc, "svg", {
    xmlns: SVG_NS,
    class: "ladder",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "group",
    "aria-label": `Ladder diagram: ${model.arrows.length < total ? `the first ${model.arrows.length} of ` : ""}${plural(total, "message")} between ${plural(model.lanes.length, "participant")}`,
    "font-family": "system-ui, sans-serif",
    "font-size": "12",
  });
  root.appendChild(svg(doc, "title", null, `siplens ladder: ${model.arrows.length < total ? `${model.arrows.length} of ` : ""}${plural(total, "message")}`));
  const defs = svg(doc, "defs");
  for (const [cls, colour] of Object.entries(CLASS_COLOURS)) {
    defs.appendChild(
      svg(doc, "marker", { id: `head-${cls}`, viewBox: "0 0 10 10", refX: "10", refY: "5", markerUnits: "userSpaceOnUse", markerWidth: "11", markerHeight: "11", orient: "auto-start-reverse" },
        svg(doc, "path", { d: "M0,0 L10,5 L0,10 z", fill: colour, class: `head cls-${cls}` })),
    );
  }
  root.appendChild(defs);
  const heads = names ? laneNames(doc, model, x, 30) : [];
  model.lanes.forEach((l, i) => {
    root.appendChild(
      svg(doc, "g", { class: "participant", "data-participant": String(i) },
        heads[i] ?? null,
        svg(doc, "line", { x1: x(i), y1: names ? 36 : 0, x2: x(i), y2: height - 4, stroke: "#8c959f", "stroke-dasharray": "2 3", class: "lifeline" })),
    );
  });
  // Number, time and Δt sit outside the arrows (each arrow's accessible name says its number and time).
  const times = svg(doc, "g", { class: "times", "aria-hidden": "true" });
  model.arrows.forEach((a, k) => {
    const y = top + k * row + row / 2 + 4;
    times.appendChild(svg(doc, "text", { x: 4, y, "font-weight": "700", fill: "#1b1f24", class: "arrow-num" }, String(a.index + 1)));
    // Compact (a phone): time over Δt in a narrow gutter, so two lanes fit the screen.
    const time = timeText(a);
    const delta = deltaText(a);
    if (time) times.appendChild(svg(doc, "text", compact ? { x: 24, y: y - 6, fill: "#57606a", "font-size": "10", class: "arrow-time" } : { x: 30, y, fill: "#57606a", "font-size": "11", class: "arrow-time" }, time));
    if (delta) times.appendChild(svg(doc, "text", compact ? { x: 24, y: y + 6, fill: "#57606a", "font-size": "10", class: "arrow-delta" } : { x: 96, y, fill: "#57606a", "font-size": "11", class: "arrow-delta" }, delta));
  });
  root.appendChild(times);
  const media = mediaBands(doc, trace, model, { x, top, row, height });
  if (media) root.appendChild(media);
  model.arrows.forEach((a, k) => {
    const y = top + k * row + row / 2;
    const colour = CLASS_COLOURS[a.class] ?? CLASS_COLOURS.invalid;
    const sdp = sdpText(a);
    const self = a.from === a.to;
    const x1 = x(a.from);
    const x2 = self ? x(a.from) + col / 3 : x(a.to);
    const line = self
      ? svg(doc, "path", { d: `M${x1},${y - 6} H${x2} V${y + 6} H${x1 + 2}`, fill: "none" })
      : svg(doc, "line", { x1, y1: y, x2: x2 + (x2 > x1 ? -1 : 1), y2: y });
    for (const [k2, v] of Object.entries({ stroke: colour, "stroke-width": "1.6", "marker-end": `url(#head-${a.class in CLASS_COLOURS ? a.class : "invalid"})`, class: "arrow-line" })) line.setAttribute(k2, v);
    if (a.retransmission) line.setAttribute("stroke-dasharray", "6 4");
    const mid = self ? x2 + 4 : (x1 + x2) / 2;
    root.appendChild(
      svg(doc, "g", {
          class: `arrow cls-${a.class}${a.retransmission ? " retransmission" : ""}${sdp ? " sdp" : ""}`,
          "data-index": String(a.index),
          "data-class": a.class,
          "data-sdp": sdp,
          tabindex: "0",
          role: "button",
          "aria-label": arrowText(model, a),
        },
        // The whole row answers a click, not only the thin line and the label's glyphs.
        svg(doc, "rect", { x: 0, y: y - row / 2, width, height: row, fill: "transparent", class: "hit" }),
        line,
        svg(doc, "text", { x: mid, y: y - 5, "text-anchor": self ? "start" : "middle", fill: colour, class: "arrow-label" }, arrowLabel(a))),
    );
  });
  return root;
}

/** A stream as one line: addresses, SSRC, codecs, packets, loss, jitter, DTMF keys, RTCP loss and round trip. */
export function streamText(st) {
  const codecs = st.payloadTypes.map((p) => p.codec ?? `PT${p.payloadType}`).join("+");
  const parts = [`RTP ${compressIpv6(st.srcAddr)}:${st.srcPort} → ${compressIpv6(st.dstAddr)}:${st.dstPort}`, `SSRC 0x${st.ssrc.toString(16).toUpperCase().padStart(8, "0")}`, codecs, plural(st.packets, "packet")];
  if (st.lost) parts.push(`lost ${st.lost}`);
  if (st.maxJitterMs !== null && st.maxJitterMs !== undefined) parts.push(`max jitter ${st.maxJitterMs.toFixed(1)} ms`);
  const keys = st.events.map((e) => e.key).join("");
  if (keys) parts.push(`DTMF ${keys}`);
  // What the far end reported about this stream (RTCP), as the CLI's media lines say it.
  const r = st.rtcp;
  if (r) {
    if (r.lastFractionLost !== null && r.lastFractionLost !== undefined) parts.push(`RTCP loss ${r.lastFractionLost.toFixed(1)}%`);
    const rtts = [r.maxRoundTrip, r.maxXrRoundTrip].filter((v) => v).map((v) => v.value);
    if (rtts.length) parts.push(`RTCP round trip ${Math.max(...rtts).toFixed(0)} ms`);
  }
  return parts.join(", ");
}

/**
 * The ladder's media band (a `g.media`, drawn under the arrows): each RTP stream of the trace
 * (`trace.media.streams`) whose two addresses are lanes of the ladder is a bar beside its sender's
 * lifeline, from the row of its first packet to the row of its last (rows are messages, so the
 * bar spans the messages exchanged meanwhile), with the stream as its title; each DTMF key is a
 * label at its row. Null when there is nothing to draw.
 */
export function mediaBands(doc, trace, model, geo) {
  const streams = trace.media?.streams ?? [];
  if (!streams.length || !model.arrows.length) return null;
  const lane = new Map(model.lanes.map((l, i) => [compressIpv6(String(l.address ?? "")), i]));
  // Time t (capture seconds) as a y: between the rows of the timed arrows before and after it,
  // in proportion to the time (rows are messages, not a time scale).
  const timed = model.arrows.map((a, k) => [a.at, geo.top + k * geo.row + geo.row / 2]).filter(([at]) => at !== null && at !== undefined);
  const yAt = (t) => {
    const k = timed.findIndex(([at]) => at >= t);
    if (!timed.length) return geo.top;
    if (k === 0) return Math.max(geo.top, timed[0][1] - geo.row / 2);
    if (k < 0) return timed[timed.length - 1][1] + geo.row / 2;
    const [a0, y0] = timed[k - 1];
    const [a1, y1] = timed[k];
    return a1 > a0 ? y0 + ((t - a0) / (a1 - a0)) * (y1 - y0) : y1;
  };
  const g = svg(doc, "g", { class: "media", role: "group", "aria-label": `Media: ${plural(streams.length, "RTP stream")}` });
  let drawn = 0;
  for (const st of streams) {
    const from = lane.get(compressIpv6(st.srcAddr));
    const to = lane.get(compressIpv6(st.dstAddr));
    if (from === undefined || to === undefined || st.firstTime === null || st.lastTime === null) continue;
    const y1 = Math.min(yAt(st.firstTime), geo.height - 4);
    const y2 = Math.min(Math.max(yAt(st.lastTime), y1 + 4), geo.height - 4);
    const x = geo.x(from) + (geo.x(to) >= geo.x(from) ? 4 : -10);
    g.appendChild(
      svg(doc, "rect", { x, y: y1, width: 6, height: Math.max(y2 - y1, 2), fill: "#2da44e", "fill-opacity": "0.35", class: "media-band", "data-stream": String(st.id) },
        svg(doc, "title", null, streamText(st))),
    );
    for (const e of st.events) {
      if (e.time === null || e.time === undefined) continue;
      const y = Math.min(yAt(e.time), geo.height - 4);
      g.appendChild(svg(doc, "text", { x: x + 9, y: y + 4, fill: "#1a7f37", "font-size": "10", class: "media-dtmf" }, `DTMF ${e.key}`));
    }
    drawn++;
  }
  return drawn ? g : null;
}

/** The outcome of a dialog's Reason header(s): `Q.850;cause=16 "Normal call clearing"`, or null. */
export function dialogReason(trace, dialog) {
  if (typeof dialog.reason === "string" && dialog.reason) return dialog.reason;
  if (Array.isArray(dialog.reasons) && dialog.reasons.length) {
    return dialog.reasons.map((r) => `${r.protocol ?? ""}${r.cause !== null && r.cause !== undefined ? `;cause=${r.cause}` : ""}${r.text ? ` "${r.text}"` : ""}`).join(", ");
  }
  if (dialog.reason && typeof dialog.reason === "object") {
    const r = dialog.reason;
    return `${r.protocol ?? ""}${r.cause !== null && r.cause !== undefined ? `;cause=${r.cause}` : ""}${r.text ? ` "${r.text}"` : ""}`;
  }
  const ordered = [...dialog.messages].sort((a, b) => {
    // The final response to the creating request first, then the rest in order.
    const fa = trace.messages[a].decoded.status?.code === dialog.finalCode ? 0 : 1;
    const fb = trace.messages[b].decoded.status?.code === dialog.finalCode ? 0 : 1;
    return fa - fb || a - b;
  });
  for (const i of ordered) {
    const r = trace.messages[i].decoded.diagnosis?.reasons?.[0];
    if (r) return `${r.protocol}${r.cause !== null ? `;cause=${r.cause}` : ""}${r.text ? ` "${r.text}"` : ""}`;
  }
  return null;
}

/**
 * One dialog as the call list shows it (the core's fields when present, else derived from its
 * messages): { id, callId, fromUser, toUser, method, final, reason, start, duration, setup,
 * media, addresses, state, count }.
 */
export function dialogRow(trace, dg) {
  const msgs = dg.messages.map((i) => trace.messages[i]).filter(Boolean);
  const fm = dg.finalCode === null || dg.finalCode === undefined ? null : msgs.find((m) => m.decoded.status?.code === dg.finalCode);
  const phrase = dg.finalReasonPhrase ?? dg.reasonPhrase ?? dg.finalReason ?? fm?.decoded.status?.reasonPhrase ?? null;
  const final = dg.finalCode === null || dg.finalCode === undefined ? "—" : `${dg.finalCode}${phrase ? ` ${phrase}` : ""}`;
  const first = msgs[0];
  const t = dg.startTime ?? first?.time ?? null;
  const start = dg.startTimestamp ?? first?.timestamp ?? (t !== null && t !== undefined ? `${Number(t).toFixed(3)} s` : null);
  const lanes = Array.isArray(dg.participants) && Array.isArray(trace.participants) ? dg.participants.map((i) => trace.participants[i]).filter(Boolean).map(participantName) : null;
  const addrs = dg.addresses ?? lanes ?? [...new Set(msgs.flatMap((m) => [m.src, m.dst]).filter(Boolean))];
  return {
    id: dg.id,
    callId: dg.callId ?? "",
    fromUser: dg.fromUser ?? uriUser(dg.caller) ?? dg.caller ?? "?",
    toUser: dg.toUser ?? uriUser(dg.callee) ?? dg.callee ?? "?",
    method: dg.kind,
    finalCode: dg.finalCode ?? null,
    final,
    reason: dialogReason(trace, dg) ?? "—",
    start: start === null || start === undefined ? "—" : String(start),
    duration: formatMs(dg.durationMs) ?? "—",
    setup: formatMs(dg.setupTimeMs) ?? "—",
    addresses: Array.isArray(addrs) ? addrs.map(compressIpv6).join(", ") : String(addrs),
    media: mediaText(trace, dg),
    state: dg.state,
    count: dg.messages.length,
  };
}

/**
 * The media of a dialog's call for the call list (RTP streams the core bound to the call by SDP,
 * `trace.media.streams`): streams, packets, loss, highest jitter and DTMF keys; "—" when the call
 * has none (or the trace is text).
 */
export function mediaText(trace, dg) {
  const call = dg.call;
  const streams = call === null || call === undefined ? [] : (trace.media?.streams ?? []).filter((s) => s.call === call);
  if (!streams.length) return "—";
  const packets = streams.reduce((n, s) => n + s.packets, 0);
  const lost = streams.reduce((n, s) => n + s.lost, 0);
  const jitters = streams.map((s) => s.maxJitterMs).filter((j) => j !== null && j !== undefined);
  const keys = streams.flatMap((s) => s.events.map((e) => e.key)).join("");
  const parts = [plural(streams.length, "stream"), `${packets} pkts`];
  if (lost) parts.push(`lost ${lost}`);
  if (jitters.length) parts.push(`jitter ≤ ${Math.max(...jitters).toFixed(1)} ms`);
  if (keys) parts.push(`DTMF ${keys}`);
  return parts.join(" · ");
}

/** A dialog's outcome for the list's filter: "answered" (2xx), "failed" (≥ 300) or "open" (no final). */
export function dialogOutcome(dg) {
  const c = dg.finalCode;
  if (c === null || c === undefined) return "open";
  return c >= 200 && c < 300 ? "answered" : c >= 300 ? "failed" : "open";
}

const DIALOG_HEAD = ["#", "Call-ID", "From", "To", "Method", "Final", "Reason", "Start", "Setup", "Duration", "Media", "Addresses", "State", "Messages"];

/**
 * The call list (accessible name "Calls"): one row per dialog with Call-ID, from and to user,
 * method, final code and reason phrase, Reason, start time, setup time, duration, media (see
 * mediaText), addresses, state and message count. Each row's first cell is a button that shows that dialog alone in the ladder
 * (`data-dialog`); the search box and the outcome filter above it hide rows (see
 * filterDialogRows). `selected`: the dialog shown alone, or null.
 */
export function renderDialogs(doc, trace, selected = null) {
  const rows = trace.dialogs.map((dg) => {
    const r = dialogRow(trace, dg);
    const cells = [r.callId, r.fromUser, r.toUser, r.method, r.final, r.reason, r.start, r.setup, r.duration, r.media, r.addresses, r.state, String(r.count)];
    return h(
      doc,
      "tr",
      { "data-dialog": String(dg.id), "data-state": dg.state, "data-outcome": dialogOutcome(dg), "data-search": [r.id + 1, ...cells].join(" ").toLowerCase(), class: selected === dg.id ? "selected" : null, "aria-current": selected === dg.id ? "true" : null },
      h(doc, "th", { scope: "row" }, h(doc, "button", { type: "button", class: "link dialog-pick", "data-pick": String(dg.id), "aria-label": `Show dialog ${dg.id + 1} alone in the ladder` }, String(dg.id + 1))),
      h(doc, "td", { class: "call-id", title: r.callId }, r.callId),
      h(doc, "td", { "data-role": "from" }, r.fromUser),
      h(doc, "td", { "data-role": "to" }, r.toUser),
      h(doc, "td", { "data-role": "method" }, r.method),
      h(doc, "td", { "data-role": "final-code" }, r.final),
      h(doc, "td", { "data-role": "reason" }, r.reason),
      h(doc, "td", { "data-role": "start" }, r.start),
      h(doc, "td", null, r.setup),
      h(doc, "td", { "data-role": "duration" }, r.duration),
      h(doc, "td", { "data-role": "media" }, r.media),
      h(doc, "td", { "data-role": "addresses" }, r.addresses),
      h(doc, "td", { "data-role": "state" }, h(doc, "span", { class: `badge state-${dg.state}` }, dg.state)),
      h(doc, "td", null, String(r.count)),
    );
  });
  const n = trace.dialogs.length;
  const controls = n
    ? h(
        doc,
        "div",
        { class: "row dialog-filter" },
        h(doc, "label", { for: "dialog-search" }, "Search calls"),
        h(doc, "input", { id: "dialog-search", type: "search", autocomplete: "off", placeholder: "Call-ID, user, 486, Q.850…" }),
        h(doc, "label", { for: "dialog-outcome" }, "Show"),
        h(
          doc,
          "select",
          { id: "dialog-outcome" },
          h(doc, "option", { value: "" }, "all"),
          h(doc, "option", { value: "answered" }, "answered (2xx)"),
          h(doc, "option", { value: "failed" }, "failed (3xx–6xx)"),
          h(doc, "option", { value: "open" }, "no final response"),
        ),
        h(doc, "span", { class: "muted", "data-role": "dialog-count", "aria-live": "polite" }, `${plural(n, "dialog")} shown`),
      )
    : null;
  const body = n
    ? h(doc, "div", { class: "table-wrap dialogs-wrap" }, h(doc, "table", { class: "dialogs" },
        h(doc, "thead", null, h(doc, "tr", null, DIALOG_HEAD.map((t) => h(doc, "th", { scope: "col" }, t)))),
        h(doc, "tbody", null, rows)))
    : h(doc, "p", { class: "muted" }, "No dialogs.");
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Calls" }, h(doc, "h2", null, `Calls and dialogs (${n})`), controls, body);
}

/**
 * Hides the call list's rows that do not match: every word of `query` in the row's text, and the
 * outcome ("", "answered", "failed", "open"). Returns how many rows stay shown.
 */
export function filterDialogRows(section, query, outcome) {
  const words = String(query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const tr of section.findAll ? section.findAll((e) => e.hasAttribute("data-search")) : section.querySelectorAll("tr[data-search]")) {
    const text = tr.getAttribute("data-search");
    const ok = words.every((w) => text.includes(w)) && (!outcome || tr.getAttribute("data-outcome") === outcome);
    if (ok) {
      tr.removeAttribute("hidden");
      shown++;
    } else tr.setAttribute("hidden", "");
  }
  const count = section.findAll ? section.find((e) => e.getAttribute("data-role") === "dialog-count") : section.querySelector("[data-role=dialog-count]");
  if (count) count.textContent = `${plural(shown, "dialog")} shown`;
  return shown;
}

/**
 * Findings grouped by rule: one entry per rule ID (in the order of severity, then first
 * appearance) with every message it names, the number of times it fired (a core `count` adds
 * up) and its distinct texts: { id, severity, category, specRef, message, messages, count,
 * texts, frame }.
 */
export function groupFindings(findings) {
  const groups = new Map();
  for (const f of findings) {
    const key = `${f.id}\u0000${f.severity}`;
    let g = groups.get(key);
    if (!g) {
      g = { id: f.id, severity: f.severity, category: f.category, specRef: f.specRef, message: f.message, messages: [], count: 0, texts: [], frame: f.frame ?? null };
      groups.set(key, g);
    }
    g.count += Number.isInteger(f.count) && f.count > 0 ? f.count : 1;
    for (const m of f.messages ?? []) if (!g.messages.includes(m)) g.messages.push(m);
    if (!g.texts.includes(f.message)) g.texts.push(f.message);
  }
  const rank = { error: 0, warning: 1, info: 2 };
  return [...groups.values()].map((g) => ({ ...g, messages: g.messages.sort((a, b) => a - b) })).sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3));
}

/** Message references as links (buttons with `data-msg`, 1-based text) that select that message. */
function messageLinks(doc, indices, max = 40) {
  const shown = indices.slice(0, max);
  const out = [indices.length === 1 ? " message " : " messages "];
  shown.forEach((i, k) => {
    if (k) out.push(", ");
    out.push(h(doc, "button", { type: "button", class: "link msg-link", "data-msg": String(i), "aria-label": `Show message ${i + 1}` }, String(i + 1)));
  });
  if (indices.length > max) out.push(` … (${indices.length - max} more)`);
  return out;
}

/**
 * The flow and capture findings (accessible name "Flow findings"), grouped by rule
 * ("SL405 × 10"), errors first; the messages each names are links that select the message.
 */
export function renderFlowFindings(doc, trace) {
  const all = [...trace.captureFindings, ...trace.findings];
  const groups = groupFindings(all);
  const body = groups.length
    ? h(doc, "ul", { class: "findings" }, groups.map((g) =>
        h(doc, "li", { class: `finding sev-${g.severity}`, "data-rule": g.id, "data-count": String(g.count) },
          h(doc, "span", { class: `badge sev sev-${g.severity}` }, g.severity),
          " ",
          h(doc, "code", null, g.id),
          g.count > 1 ? h(doc, "span", { class: "badge times-badge", "data-role": "count" }, `× ${g.count}`) : null,
          " ",
          h(doc, "span", { class: "finding-msg" }, g.message),
          h(doc, "span", { class: "muted finding-where" },
            g.messages.length ? messageLinks(doc, g.messages) : null,
            g.messages.length ? " ·" : null,
            g.frame !== null && g.count === 1 ? ` frame ${g.frame} ·` : null,
            ` ${g.category} · ${g.specRef}`),
          g.texts.length > 1
            ? h(doc, "details", { class: "finding-texts" }, h(doc, "summary", null, `${g.texts.length} different texts`), h(doc, "ul", null, g.texts.map((t) => h(doc, "li", null, t))))
            : null)))
    : h(doc, "p", { class: "muted" }, "No flow findings.");
  const title = groups.length === all.length ? `Flow findings (${all.length})` : `Flow findings (${all.length} in ${plural(groups.length, "group")})`;
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Flow findings" }, h(doc, "h2", null, title), body);
}

/**
 * The IPsec ESP SAs whose packets opened (accessible name "IPsec ESP"): each SA as the messages'
 * provenance describes it, and its packets with the sequence numbers missing or repeated (the
 * core's line, `r.text`, as the CLI writes it). Null
 * when the trace has none.
 */
export function renderEspSas(doc, trace) {
  const sas = trace.espSas ?? [];
  if (!sas.length) return null;
  const flagged = (r) => r.missing > 0 || r.replayed > 0 || r.tooOld > 0;
  const nFlagged = sas.filter(flagged).length;
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "IPsec ESP" },
    h(doc, "h2", null, `IPsec ESP (${plural(sas.length, "SA")}${nFlagged ? `, ${nFlagged} with numbers missing or repeated` : ""})`),
    h(doc, "ul", { class: "esp-sas" }, sas.map((r) =>
      h(doc, "li", { "data-spi": r.spi, class: flagged(r) ? "esp-sa flagged" : "esp-sa" },
        h(doc, "span", null, r.sa),
        h(doc, "br", null),
        h(doc, "span", { class: "muted", "data-role": "packets" }, `${r.text} · first in frame ${r.firstFrame}`)))));
}

/** A one-line summary of a trace: messages, participants, dialogs, source. */
export function traceSummary(trace) {
  const n = ladderOf(trace).lanes.length;
  const src = trace.source === "text" ? "pasted text" : `${trace.source} capture, ${plural(trace.frames, "frame")}`;
  return `${plural(trace.messages.length, "message")}, ${plural(n, "participant")}, ${plural(trace.dialogs.length, "dialog")} (${src})`;
}

/** A ladder (the core's model: `trace.ladder`, or one call's) as plain text, one line per message: number, time, Δt, from → to, label. */
export function ladderText(model) {
  const w = Math.max(4, ...model.lanes.map((l) => l.title.length));
  return model.arrows
    .map((a) => `${String(a.index + 1).padStart(5)}  ${timeText(a).padEnd(11)} ${deltaText(a).padEnd(11)} ${laneText(model, a.from).padStart(w)} ${a.from === a.to ? "↺" : "→"} ${laneText(model, a.to).padEnd(w)}  ${arrowLabel(a)}`)
    .join("\n");
}

/**
 * One call's messages as text: a line per message (number, timestamp, addresses, label) then its
 * raw text, blank line between. `raws[i]` is message i's raw text (a capture's are fetched from the worker).
 */
export function callText(trace, dialog, raws) {
  const out = [`# siplens: dialog ${dialog.id + 1} (Call-ID ${dialog.callId ?? "?"}), ${plural(dialog.messages.length, "message")}`, ""];
  for (const i of dialog.messages) {
    const m = trace.messages[i];
    out.push(`# message ${i + 1}${m.timestamp ? ` ${m.timestamp}` : ""}${m.src || m.dst ? ` ${m.src ?? "?"} -> ${m.dst ?? "?"}` : ""}: ${messageLabel(m)}`);
    out.push((raws[i] ?? m.raw ?? "").replace(/\r\n/g, "\n").replace(/\n+$/, ""), "");
  }
  return `${out.join("\n")}\n`;
}

/** The trace report's body for the HTML download: summary, call list, grouped findings, the ladder as text. */
export function renderTraceReport(doc, trace, meta) {
  const groups = groupFindings([...trace.captureFindings, ...trace.findings]);
  const rows = trace.dialogs.map((dg) => dialogRow(trace, dg));
  return h(
    doc,
    "main",
    null,
    h(doc, "h1", null, `siplens trace report: ${traceSummary(trace)}`),
    h(doc, "p", { class: "muted" }, `siplens ${meta?.version ?? ""}${meta?.date ? ` · ${meta.date}` : ""}`),
    meta?.redacted ? h(doc, "p", { class: "redacted" }, `Redacted (${meta.redacted}): identifiers in this report are aliases, not the original values.`) : null,
    h(doc, "h2", null, `Calls and dialogs (${rows.length})`),
    rows.length
      ? h(doc, "table", null,
          h(doc, "thead", null, h(doc, "tr", null, DIALOG_HEAD.map((t) => h(doc, "th", null, t)))),
          h(doc, "tbody", null, rows.map((r) => h(doc, "tr", null, [r.id + 1, r.callId, r.fromUser, r.toUser, r.method, r.final, r.reason, r.start, r.setup, r.duration, r.media, r.addresses, r.state, r.count].map((c) => h(doc, "td", null, String(c)))))))
      : h(doc, "p", null, "No dialogs."),
    h(doc, "h2", null, `Flow findings (${groups.length})`),
    groups.length
      ? h(doc, "ul", null, groups.map((g) => h(doc, "li", null, `${g.severity} ${g.id}${g.count > 1 ? ` × ${g.count}` : ""}: ${g.message}${g.messages.length ? ` (${g.messages.length === 1 ? "message" : "messages"} ${g.messages.map((i) => i + 1).join(", ")})` : ""} · ${g.specRef}`)))
      : h(doc, "p", null, "No flow findings."),
    h(doc, "h2", null, "Ladder"),
    h(doc, "pre", null, ladderText(ladderOf(trace))),
  );
}

/** The trace report as Markdown: summary, call list (a table), grouped findings, the ladder in a code fence. */
export function traceToMarkdown(trace, meta) {
  const cell = (s) => mdEscape(String(s)).replace(/\n/g, " ");
  const groups = groupFindings([...trace.captureFindings, ...trace.findings]);
  const rows = trace.dialogs.map((dg) => dialogRow(trace, dg));
  const out = [`# siplens trace report: ${mdEscape(traceSummary(trace))}`, ""];
  if (meta?.version) out.push(`_siplens ${mdEscape(meta.version)}_`, "");
  if (meta?.redacted) out.push(`_Redacted (${mdEscape(meta.redacted)}): identifiers in this report are aliases, not the original values._`, "");
  out.push(`## Calls and dialogs (${rows.length})`, "");
  if (rows.length) {
    out.push(`| ${DIALOG_HEAD.join(" | ")} |`, `| ${DIALOG_HEAD.map(() => "---").join(" | ")} |`);
    for (const r of rows) out.push(`| ${[r.id + 1, r.callId, r.fromUser, r.toUser, r.method, r.final, r.reason, r.start, r.setup, r.duration, r.media, r.addresses, r.state, r.count].map(cell).join(" | ")} |`);
  } else out.push("No dialogs.");
  out.push("", `## Flow findings (${groups.length})`, "");
  if (groups.length) for (const g of groups) out.push(`- ${g.severity} ${g.id}${g.count > 1 ? ` × ${g.count}` : ""}: ${mdEscape(g.message)}${g.messages.length ? ` (${g.messages.length === 1 ? "message" : "messages"} ${g.messages.map((i) => i + 1).join(", ")})` : ""} · ${mdEscape(g.specRef)}`);
  else out.push("No flow findings.");
  const lad = ladderText(ladderOf(trace));
  const fence = "`".repeat(Math.max(3, ...[...lad.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  out.push("", "## Ladder", "", fence, lad, fence, "");
  return out.join("\n");
}

/**
 * Text as a Mermaid-safe token: anything but letters, digits, space and `.:_/+()` (so also `-`, `;`, `#`, `<`) becomes an
 * entity code (`#59;`), so message text cannot end a statement, start a comment or an arrow.
 */
export function mermaidEscape(text) {
  let out = "";
  for (const ch of String(text)) {
    out += /[A-Za-z0-9 .:_/+()]/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  }
  return out.trim() || "#32;";
}

/** A ladder (the core's model: `trace.ladder`, or one call's) as Mermaid `sequenceDiagram` text; participants are `p1`… with escaped names. */
export function toMermaid(model) {
  const lines = ["sequenceDiagram"];
  model.lanes.forEach((l, i) => lines.push(`    participant p${i + 1} as ${mermaidEscape(l.title)}`));
  for (const a of model.arrows) {
    const arrow = a.class === "request" || a.class === "invalid" ? "->>" : "-->>";
    const sdp = sdpText(a);
    const time = timeText(a);
    const label = `${a.index + 1} ${a.label}${sdp ? ` ${sdp}` : ""}${time ? ` ${time}` : ""}${a.retransmission ? " (retransmission)" : ""}`;
    lines.push(`    p${a.from + 1}${arrow}p${a.to + 1}: ${mermaidEscape(label)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Counts SIP start lines (request or status lines at the start of a line) in pasted text; more
 * than one means the text is a trace.
 */
export function countStartLines(text) {
  const re = /^[ \t]*(?:[A-Za-z][A-Za-z0-9.!%*_+`'~-]* [^ \r\n]+ SIP\/2\.0[ \t]*\r?$|SIP\/2\.0 [0-9]{3}(?: [^\r\n]*)?\r?$)/gm;
  return (text.match(re) ?? []).length;
}

/** Triage kinds (the core's `triage`) that hold no SIP to decode unless some was extracted. */
const NO_SIP = ["notSip", "binary", "wiresharkDetails", "hexDump"];

/**
 * What the page decodes for `input`, given the core's triage of it (`{ kind, note, extracted }`):
 * `{ text, note, kind, extracted, noSip }`. `extracted` (SIP read out of a Wireshark copy or a hex
 * dump; each message may follow a `--- udp a -> b ---` line) is decoded instead of the input when
 * it holds a SIP start line; one message alone loses the address line, so it decodes in the
 * message view. A hex dump of a pcap file gives the capture's bytes as a lossy string, which is
 * not decoded as text. `noSip`: nothing to decode (text, binary data, a copy or dump without SIP).
 */
export function triageInput(t, input) {
  let extracted = typeof t?.extracted === "string" && t.extracted.trim() && t.extracted !== input ? t.extracted : null;
  if (extracted !== null && countStartLines(extracted) === 0) extracted = null;
  if (extracted !== null && countStartLines(extracted) === 1) extracted = extracted.replace(/^(?:[ \t]*---[^\n]*---[ \t]*\r?\n)+/, "");
  const note = t?.note ?? null;
  const kind = t?.kind ?? null;
  return { text: extracted ?? input, note, kind, extracted: extracted !== null, noSip: !!note && extracted === null && NO_SIP.includes(kind) };
}
