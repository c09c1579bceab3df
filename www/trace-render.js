// siplens page: pure render functions for a trace (the `Trace` of decodeTrace / decodeCapture):
// the SVG ladder, the dialog list, the flow findings and the Mermaid export. Same rules as
// render.js: data and a document in, nodes out; no globals, no listeners, no innerHTML. The
// ladder is built with createElementNS and every piece of message text is a text node, so
// XMLSerializer escapes it when the SVG is exported.
import { h, CLASS_LABELS } from "./render.js";

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

const LAYOUT = { col: 190, left: 90, top: 46, row: 34, bottom: 16 };

/** The host of a SIP URI (`sip:user@host:port;params` → `host`), or null. */
export function uriHost(uri) {
  const m = /^[a-z]+:(?:[^@]*@)?(\[[^\]]*\]|[^;:?>]+)/i.exec(uri ?? "");
  return m ? m[1] : null;
}

/** A duration in milliseconds as text, or null. */
export function formatMs(ms) {
  if (ms === null || ms === undefined) return null;
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${Math.round(ms)} ms`;
}

/** Seconds relative to the first timed message, as `+1.234 s` (empty when untimed). */
function relTime(t, t0) {
  return t === null || t === undefined || t0 === null ? "" : `+${(t - t0).toFixed(3)} s`;
}

/** What an arrow says: the method of a request, `code reason` of a response. */
export function messageLabel(m) {
  const d = m.decoded;
  if (d.status) return `${d.status.code ?? "???"} ${d.status.reasonPhrase}`.trim();
  if (d.request) return d.request.method;
  return "invalid message";
}

/** The class of a message: a status class, `request`, or `invalid`. */
export function messageClass(m) {
  const d = m.decoded;
  if (d.status) return d.status.class;
  return d.request ? "request" : "invalid";
}

/**
 * The ladder as data: participants (columns, in order of appearance) and one arrow per message.
 * A participant is the message's address (`ip:port`); what a log did not say comes from the
 * message: a request goes from its top Via's sent-by to its Request-URI host, a response to its
 * top Via's sent-by from where its transaction's request went.
 */
export function ladderModel(trace) {
  const msgs = trace.messages;
  const sentBy = (v) => (v ? (v.port !== null ? `${v.host}:${v.port}` : v.host) : null);
  const ends = msgs.map((m) => {
    const d = m.decoded;
    const end = { src: m.src, dst: m.dst };
    if (d.request) {
      end.src ??= sentBy(d.via[0]) ?? d.from?.host ?? null;
      end.dst ??= uriHost(d.request.uri) ?? d.to?.host ?? null;
    }
    return end;
  });
  msgs.forEach((m, i) => {
    if (m.decoded.request) return;
    const tx = trace.transactions[m.transactionId];
    const req = tx?.requests.find((r) => r !== i);
    ends[i].dst ??= sentBy(m.decoded.via[0]) ?? (req !== undefined ? ends[req].src : null);
    ends[i].src ??= (req !== undefined ? ends[req].dst : null) ?? m.decoded.to?.host ?? null;
  });
  const participants = [];
  const col = (name) => {
    const n = name ?? "unknown";
    let i = participants.indexOf(n);
    if (i < 0) i = participants.push(n) - 1;
    return i;
  };
  const t0 = msgs.find((m) => m.time !== null && m.time !== undefined)?.time ?? null;
  const arrows = msgs.map((m, i) => ({
    index: m.index,
    from: col(ends[i].src),
    to: col(ends[i].dst),
    label: messageLabel(m),
    cls: messageClass(m),
    time: relTime(m.time, t0),
    retransmission: m.retransmission,
  }));
  return { participants, arrows };
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
  const cls = a.cls === "request" ? "request" : CLASS_LABELS[a.cls] ?? a.cls;
  const shown = `${a.label}${a.retransmission ? " (retransmission)" : ""}`;
  const when = a.time ? `, at ${a.time}` : "";
  return `${shown}: message ${a.index + 1}, ${cls}, from ${model.participants[a.from]} to ${model.participants[a.to]}${when}`;
}

/**
 * The ladder diagram: an <svg> with a column per participant and an arrow per message (a
 * `g.arrow` with `data-index`, focusable, labelled). Retransmissions are dashed and say so.
 * `limit` draws only the first arrows (a capture of thousands of messages); the participants
 * are those of the whole trace.
 */
export function renderLadder(doc, trace, limit = Infinity) {
  const model = ladderModel(trace);
  const total = model.arrows.length;
  if (limit < total) model.arrows = model.arrows.slice(0, Math.max(0, limit));
  const { col, left, top, row, bottom } = LAYOUT;
  const width = left + Math.max(model.participants.length, 1) * col;
  const height = top + model.arrows.length * row + bottom;
  const x = (i) => left + col / 2 + i * col;
  const root = svg(doc, "svg", {
    xmlns: SVG_NS,
    class: "ladder",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "group",
    "aria-label": `Ladder diagram: ${model.arrows.length < total ? `the first ${model.arrows.length} of ` : ""}${total} messages between ${model.participants.length} participants`,
    "font-family": "system-ui, sans-serif",
    "font-size": "12",
  });
  root.appendChild(svg(doc, "title", null, `siplens ladder: ${model.arrows.length < total ? `${model.arrows.length} of ` : ""}${total} messages`));
  const defs = svg(doc, "defs");
  for (const [cls, colour] of Object.entries(CLASS_COLOURS)) {
    defs.appendChild(
      svg(doc, "marker", { id: `head-${cls}`, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "8", markerHeight: "8", orient: "auto-start-reverse" },
        svg(doc, "path", { d: "M0,0 L10,5 L0,10 z", fill: colour, class: `head cls-${cls}` })),
    );
  }
  root.appendChild(defs);
  model.participants.forEach((p, i) => {
    root.appendChild(
      svg(doc, "g", { class: "participant", "data-participant": String(i) },
        svg(doc, "text", { x: x(i), y: 18, "text-anchor": "middle", "font-weight": "600", fill: "#1b1f24", class: "participant-name" }, p),
        svg(doc, "line", { x1: x(i), y1: 26, x2: x(i), y2: height - 4, stroke: "#8c959f", "stroke-dasharray": "2 3", class: "lifeline" })),
    );
  });
  // Times sit outside the arrows (each arrow's accessible name says its time).
  const times = svg(doc, "g", { class: "times", "aria-hidden": "true" });
  model.arrows.forEach((a, k) => times.appendChild(svg(doc, "text", { x: 4, y: top + k * row + row / 2 + 4, fill: "#57606a", class: "arrow-time" }, a.time)));
  root.appendChild(times);
  model.arrows.forEach((a, k) => {
    const y = top + k * row + row / 2;
    const colour = CLASS_COLOURS[a.cls] ?? CLASS_COLOURS.invalid;
    const self = a.from === a.to;
    const x1 = x(a.from);
    const x2 = self ? x(a.from) + col / 3 : x(a.to);
    const line = self
      ? svg(doc, "path", { d: `M${x1},${y - 6} H${x2} V${y + 6} H${x1 + 2}`, fill: "none" })
      : svg(doc, "line", { x1, y1: y, x2: x2 + (x2 > x1 ? -1 : 1), y2: y });
    for (const [k2, v] of Object.entries({ stroke: colour, "stroke-width": "1.6", "marker-end": `url(#head-${a.cls in CLASS_COLOURS ? a.cls : "invalid"})`, class: "arrow-line" })) line.setAttribute(k2, v);
    if (a.retransmission) line.setAttribute("stroke-dasharray", "6 4");
    const label = a.retransmission ? `${a.label} (retransmission)` : a.label;
    const mid = self ? x2 + 4 : (x1 + x2) / 2;
    root.appendChild(
      svg(doc, "g", {
          class: `arrow cls-${a.cls}${a.retransmission ? " retransmission" : ""}`,
          "data-index": String(a.index),
          "data-class": a.cls,
          tabindex: "0",
          role: "button",
          "aria-label": arrowText(model, a),
        },
        // The whole row answers a click, not only the thin line and the label's glyphs.
        svg(doc, "rect", { x: 0, y: y - row / 2, width, height: row, fill: "transparent", class: "hit" }),
        line,
        svg(doc, "text", { x: mid, y: y - 5, "text-anchor": self ? "start" : "middle", fill: colour, class: "arrow-label" }, label)),
    );
  });
  return root;
}

/** The outcome of a dialog's Reason header(s): `Q.850;cause=16 "Normal call clearing"`, or null. */
export function dialogReason(trace, dialog) {
  const ordered = [...dialog.messages].sort((a, b) => {
    // The final response to the creating request first, then the rest in order.
    const fa = trace.messages[a].decoded.status?.code === dialog.finalCode ? 0 : 1;
    const fb = trace.messages[b].decoded.status?.code === dialog.finalCode ? 0 : 1;
    return fa - fb || a - b;
  });
  for (const i of ordered) {
    const r = trace.messages[i].decoded.diagnosis.reasons[0];
    if (r) return `${r.protocol}${r.cause !== null ? `;cause=${r.cause}` : ""}${r.text ? ` "${r.text}"` : ""}`;
  }
  return null;
}

/** The dialog list (accessible name "Dialogs"): outcome (state, final code, Reason) and timings. */
export function renderDialogs(doc, trace) {
  const head = ["Dialog", "Caller → callee", "State", "Final code", "Reason", "Post-dial delay", "Setup time", "Duration", "Messages"];
  const rows = trace.dialogs.map((dg) => {
    const fi = dg.finalCode === null ? undefined : dg.messages.find((i) => trace.messages[i].decoded.status?.code === dg.finalCode);
    const final = fi === undefined ? null : trace.messages[fi];
    const code = dg.finalCode === null ? "—" : `${dg.finalCode}${final ? ` ${final.decoded.status.reasonPhrase}` : ""}`;
    return h(
      doc,
      "tr",
      { "data-dialog": String(dg.id), "data-state": dg.state },
      h(doc, "th", { scope: "row" }, `${dg.id + 1} ${dg.kind}`),
      h(doc, "td", null, `${dg.caller ?? "?"} → ${dg.callee ?? "?"}`),
      h(doc, "td", { "data-role": "state" }, h(doc, "span", { class: `badge state-${dg.state}` }, dg.state)),
      h(doc, "td", { "data-role": "final-code" }, code),
      h(doc, "td", { "data-role": "reason" }, dialogReason(trace, dg) ?? "—"),
      h(doc, "td", null, formatMs(dg.postDialDelayMs) ?? "—"),
      h(doc, "td", null, formatMs(dg.setupTimeMs) ?? "—"),
      h(doc, "td", null, formatMs(dg.durationMs) ?? "—"),
      h(doc, "td", null, dg.messages.map((i) => i + 1).join(", ")),
    );
  });
  const body = trace.dialogs.length
    ? h(doc, "div", { class: "table-wrap" }, h(doc, "table", { class: "dialogs" },
        h(doc, "thead", null, h(doc, "tr", null, head.map((t) => h(doc, "th", { scope: "col" }, t)))),
        h(doc, "tbody", null, rows)))
    : h(doc, "p", { class: "muted" }, "No dialogs.");
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Dialogs" }, h(doc, "h2", null, `Dialogs (${trace.dialogs.length})`), body);
}

/** The flow and capture findings (accessible name "Flow findings"), each with its severity. */
export function renderFlowFindings(doc, trace) {
  const all = [...trace.captureFindings, ...trace.findings];
  const body = all.length
    ? h(doc, "ul", { class: "findings" }, all.map((f) =>
        h(doc, "li", { class: `finding sev-${f.severity}`, "data-rule": f.id },
          h(doc, "span", { class: `badge sev sev-${f.severity}` }, f.severity),
          " ",
          h(doc, "code", null, f.id),
          " ",
          h(doc, "span", { class: "finding-msg" }, f.message),
          h(doc, "span", { class: "muted finding-where" },
            `${f.messages.length ? ` messages ${f.messages.map((i) => i + 1).join(", ")} ·` : ""}${f.frame !== null ? ` frame ${f.frame} ·` : ""} ${f.category} · ${f.specRef}`))))
    : h(doc, "p", { class: "muted" }, "No flow findings.");
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Flow findings" }, h(doc, "h2", null, `Flow findings (${all.length})`), body);
}

/** A one-line summary of a trace: messages, participants, dialogs, source. */
export function traceSummary(trace) {
  const n = ladderModel(trace).participants.length;
  const src = trace.source === "text" ? "pasted text" : `${trace.source} capture, ${trace.frames} frames`;
  return `${trace.messages.length} messages, ${n} participants, ${trace.dialogs.length} dialogs (${src})`;
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

/** The ladder as Mermaid `sequenceDiagram` text; participants are `p1`… with escaped names. */
export function toMermaid(trace) {
  const model = ladderModel(trace);
  const lines = ["sequenceDiagram"];
  model.participants.forEach((p, i) => lines.push(`    participant p${i + 1} as ${mermaidEscape(p)}`));
  for (const a of model.arrows) {
    const arrow = a.cls === "request" || a.cls === "invalid" ? "->>" : "-->>";
    const label = `${a.label}${a.time ? ` ${a.time}` : ""}${a.retransmission ? " (retransmission)" : ""}`;
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
