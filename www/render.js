// siplens page: pure render functions. Input: data (the wasm package's DTOs) and a document
// to create nodes with; output: DOM nodes. No globals, no event listeners, no innerHTML:
// every piece of message text goes through createTextNode / textContent.
// Also shipped in the npm package (pkg/render.js) for the <siplens-decoder> element.

/** Human text for a status class (shown next to its colour, never colour alone). */
export const CLASS_LABELS = {
  provisional: "1xx provisional",
  success: "2xx success",
  redirection: "3xx redirection",
  "request-failure": "4xx request failure",
  "server-failure": "5xx server failure",
  "global-failure": "6xx global failure",
  invalid: "invalid",
};

/** Create an element: h(doc, "p", { class: "x", "aria-label": "y" }, "text", child, …). */
export function h(doc, tag, attrs, ...children) {
  const el = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "object" ? c : doc.createTextNode(String(c)));
  }
  return el;
}

/**
 * Byte offset → UTF-16 index map for `text` as UTF-8 (what the wasm side sees). Entry i is the
 * string index of the character holding byte i; entry `bytes` is `text.length`. Lone surrogates
 * count as U+FFFD (3 bytes), as TextEncoder and wasm-bindgen encode them.
 */
export function byteToUtf16Map(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  const map = new Uint32Array(bytes + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let n;
    let units = 1;
    if (c < 0x80) n = 1;
    else if (c < 0x800) n = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n = 4;
      units = 2;
    } else n = 3;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    i += units - 1;
  }
  map[bytes] = text.length;
  return map;
}

/** A byte span → [start, end) string indices through a map from byteToUtf16Map. */
export function spanToRange(map, span) {
  const last = map.length - 1;
  const s = Math.min(Math.max(span.start, 0), last);
  const e = Math.min(Math.max(span.end, s), last);
  // An end inside a multi-byte character extends to that character's end.
  let end = map[e];
  if (e > 0 && e < last && map[e] === map[e - 1]) {
    let k = e;
    while (k < last && map[k] === map[e]) k++;
    end = map[k];
  }
  return [map[s], end];
}

/** A string index → the byte offset of that character (inverse of the map). */
export function utf16ToByte(map, index) {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const spanAttr = (span) => (span ? `${span.start}-${span.end}` : null);

/** Attributes that make an element a keyboard-usable pointer to a byte span. */
function spanLink(span, label, asButton = true) {
  // List items and table rows keep their own role (a button role would break the list or
  // table for assistive technology); they are still focusable and answer Enter and Space.
  return {
    "data-span": spanAttr(span),
    tabindex: "0",
    role: asButton ? "button" : null,
    "aria-label": asButton ? label ?? null : null,
  };
}

function section(doc, id, title, ...content) {
  return h(doc, "section", { class: "panel", "aria-labelledby": `${id}-h` }, h(doc, "h2", { id: `${id}-h` }, title), ...content);
}

function list(doc, items, cls) {
  return h(doc, "ul", { class: cls ?? null }, items.map((t) => h(doc, "li", null, t)));
}

function dl(doc, rows) {
  const out = h(doc, "dl", { class: "kv" });
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === "") continue;
    out.appendChild(h(doc, "dt", null, k));
    out.appendChild(h(doc, "dd", null, v));
  }
  return out;
}

/** `n thing` / `n things`: "1 dialog", "2 dialogs" (the plural given when not just + "s"). */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** A collapsible part of a panel: <details> whose <summary> holds an <h3>. */
function fold(doc, title, open, ...content) {
  return h(doc, "details", { class: "fold", open: open ? true : null }, h(doc, "summary", null, h(doc, "h3", null, title)), ...content);
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

/**
 * The order to show findings in: by severity (error, warning, info, then anything else), then by
 * position in the message, then as given. Returns indices into `findings` (which stay the
 * findings' identities: `data-finding` keeps the original index).
 */
export function findingOrder(findings) {
  const rank = (f) => SEVERITY_RANK[f.severity] ?? 3;
  return findings.map((_, i) => i).sort((a, b) => {
    const fa = findings[a];
    const fb = findings[b];
    return rank(fa) - rank(fb) || (fa.span?.start ?? 0) - (fb.span?.start ?? 0) || a - b;
  });
}

/** The summary card: code, reason, class (colour + text), final/provisional, CSeq method, headline. */
export function renderSummary(doc, d) {
  const st = d.status;
  const cls = st ? st.class : d.kind === "invalid" ? "invalid" : "request";
  const code = st ? (st.code === null ? "???" : String(st.code)) : d.request ? d.request.method : "—";
  const errors = d.findings.filter((f) => f.severity === "error").length;
  return h(
    doc,
    "section",
    { class: `summary class-${cls}`, "aria-label": "Summary", "data-class": cls },
    h(
      doc,
      "div",
      { class: "summary-top" },
      h(doc, "span", { class: "code", "data-role": "code" }, code),
      h(doc, "span", { class: "reason", "data-role": "reason" }, st ? st.reasonPhrase : d.request ? d.request.uri : ""),
    ),
    h(
      doc,
      "p",
      { class: "badges" },
      h(doc, "span", { class: "badge badge-class", "data-role": "class" }, st ? CLASS_LABELS[st.class] ?? st.class : d.kind),
      st ? h(doc, "span", { class: "badge" }, st.final ? "final" : "provisional") : null,
      d.cseq ? h(doc, "span", { class: "badge", "data-role": "method" }, `CSeq ${d.cseq.seq ?? "?"} ${d.cseq.method}`) : null,
      errors ? h(doc, "span", { class: "badge badge-error" }, `${errors} error${errors > 1 ? "s" : ""}`) : null,
      st && st.standardReasonPhrase && st.standardReasonPhrase !== st.reasonPhrase
        ? h(doc, "span", { class: "badge" }, `standard: ${st.standardReasonPhrase}`)
        : null,
    ),
    h(doc, "p", { class: "headline", "data-role": "headline" }, d.diagnosis.headline),
  );
}

function evidenceList(doc, evidence) {
  if (!evidence.length) return null;
  return h(
    doc,
    "ul",
    { class: "evidence" },
    evidence.map((e) => h(doc, "li", null, h(doc, "span", { class: "span-link", ...spanLink(e.span, `Evidence: ${e.what}`) }, e.what))),
  );
}

/**
 * The diagnosis region (accessible name "Diagnosis"). Each part is a <details> section: the
 * likely causes, what to inspect, next steps, retry, Reason, Warning, the sender and the media
 * summary start open; the challenge's parameters, the IMS context and the specifications start
 * closed (reference material a reader opens when needed).
 */
export function renderDiagnosis(doc, d) {
  const g = d.diagnosis;
  const parts = [h(doc, "p", { class: "summary-text" }, g.summary)];
  if (g.context) parts.push(h(doc, "p", { class: "muted" }, `Context: ${g.context}`));
  if (g.likelyCauses.length) {
    parts.push(
      fold(
        doc,
        "Likely causes",
        true,
        h(
          doc,
          "ol",
          { class: "causes" },
          g.likelyCauses.map((c) =>
            h(
              doc,
              "li",
              { class: `cause conf-${c.confidence}` },
              h(doc, "span", { class: "badge" }, `${c.confidence} confidence`),
              " ",
              h(doc, "span", { class: "cause-text" }, c.text),
              evidenceList(doc, c.evidence),
            ),
          ),
        ),
      ),
    );
  }
  if (g.inspect.length) parts.push(fold(doc, "What to inspect", true, list(doc, g.inspect)));
  if (g.nextSteps.length) parts.push(fold(doc, "Next steps", true, list(doc, g.nextSteps)));
  if (g.retry) {
    const r = g.retry;
    parts.push(
      fold(
        doc,
        "Retry",
        true,
        dl(doc, [
          ["Allowed", r.allowed ? "yes" : "no"],
          ["Policy", r.policy],
          ["After", r.afterSeconds === null ? null : `${r.afterSeconds} s`],
          ["Where", r.where],
        ]),
      ),
    );
  }
  if (g.reasons.length) {
    parts.push(
      fold(
        doc,
        "Reason",
        true,
        h(
          doc,
          "ul",
          null,
          g.reasons.map((r) =>
            h(
              doc,
              "li",
              null,
              h(doc, "span", { class: "span-link", ...spanLink(r.span) }, `${r.protocol}${r.cause === null ? "" : ` cause ${r.cause}`}${r.text ? ` "${r.text}"` : ""}`),
              r.meaning ? ` — ${r.meaning}` : null,
              r.consistentWithStatus === false ? h(doc, "span", { class: "badge badge-warning" }, "inconsistent with the status") : null,
            ),
          ),
        ),
      ),
    );
  }
  if (g.warnings.length) {
    parts.push(
      fold(
        doc,
        "Warning",
        true,
        h(
          doc,
          "ul",
          null,
          g.warnings.map((w) =>
            h(
              doc,
              "li",
              null,
              h(doc, "span", { class: "span-link", ...spanLink(w.span) }, `${w.code ?? "?"} ${w.agent} "${w.text}"`),
              w.meaning ? ` — ${w.meaning}` : null,
            ),
          ),
        ),
      ),
    );
  }
  if (g.sender) parts.push(fold(doc, "Likely sender", true, h(doc, "p", null, g.sender.role), evidenceList(doc, g.sender.evidence)));
  if (hasMedia(d.media)) parts.push(fold(doc, "Media (SDP)", true, renderMedia(doc, d.media)));
  if (g.challenge) {
    const c = g.challenge;
    parts.push(
      fold(
        doc,
        "Authentication challenge",
        false,
        h(doc, "p", null, h(doc, "span", { class: "span-link", ...spanLink(c.span) }, `${c.header}: ${c.scheme}${c.aka ? " (IMS AKA)" : ""}`)),
        dl(doc, [
          ["Algorithm", c.algorithm],
          ["Realm", c.realm],
          ["Nonce", c.nonce],
          ["qop", c.qop],
          ["Opaque", c.opaque],
          ["Stale", c.stale === null ? null : String(c.stale)],
        ]),
      ),
    );
  }
  if (g.ims) {
    const m = g.ims;
    parts.push(
      fold(
        doc,
        "In IMS",
        false,
        dl(doc, [
          ["Typical", m.typical ? "yes" : "no"],
          ["Senders", m.senders.join(", ")],
          ["Direction", m.direction],
          ["Interfaces", m.interfaces.join(", ")],
          ["Procedures", m.procedures.join(", ")],
          ["Before", m.before],
          ["After", m.after],
          ["Clause", m.clause],
          ["Note", m.note],
        ]),
      ),
    );
  }
  if (g.specRefs.length) parts.push(fold(doc, "Specifications", false, list(doc, g.specRefs, "specs")));
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Diagnosis" }, h(doc, "h2", null, "Diagnosis"), parts);
}

/** A value of the media summary as text (arrays joined, objects as `key=value` pairs). */
function mediaText(v) {
  if (v === null || v === undefined || v === "") return null;
  if (Array.isArray(v)) return v.map(mediaText).filter(Boolean).join(", ");
  if (typeof v === "object") {
    return Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined && x !== "")
      .map(([k, x]) => `${k}=${mediaText(x)}`)
      .join(" ");
  }
  return String(v);
}

/** True when a message has a media summary (`decoded.media`: an object with streams, or a list of streams). */
export function hasMedia(media) {
  if (Array.isArray(media)) return media.length > 0;
  return !!media && typeof media === "object";
}

/** One codec's name: `116 AMR-WB/16000`, `0 PCMU/8000`, `100 telephone-event/16000/1`. */
function codecName(c) {
  if (typeof c !== "object" || c === null) return String(c);
  const pt = c.payloadType ?? c.pt ?? c.format ?? "";
  const name = c.name ?? c.encoding ?? "";
  const rate = c.clockRate ?? c.rate ?? null;
  const ch = c.channels ?? null;
  return `${pt}${name && String(name) !== String(pt) ? ` ${name}` : ""}${rate ? `/${rate}` : ""}${ch && ch !== 1 ? `/${ch}` : ""}`.trim();
}

/** A codec as a list item: its name, then its fmtp parameters, each with its meaning when the core knows it. */
function codecItem(doc, c) {
  const params = Array.isArray(c?.params) ? c.params : [];
  const fmtp = params.length
    ? h(doc, "ul", { class: "fmtp" }, params.map((p) => h(doc, "li", null, h(doc, "code", null, p.name ? `${p.name}=${p.value}` : p.value), p.meaning ? ` — ${p.meaning}` : null)))
    : c?.fmtp
      ? [" ", h(doc, "code", null, mediaText(c.fmtp))]
      : null;
  const span = c?.rtpmapSpan ?? null;
  const name = span ? h(doc, "span", { class: "span-link", ...spanLink(span, `Codec ${codecName(c)}`) }, codecName(c)) : h(doc, "span", null, codecName(c));
  return h(doc, "li", { class: "codec" }, name, fmtp);
}

/** The m= line of a stream as text (the core's spans point at it; the text is rebuilt from its fields). */
function mLine(m) {
  const kind = m.media ?? m.kind ?? "media";
  const formats = Array.isArray(m.codecs) ? m.codecs.map((c) => c?.format ?? c?.payloadType ?? "").join(" ") : "";
  return `m=${kind} ${m.port ?? "?"} ${m.proto ?? m.protocol ?? ""} ${formats}`.replace(/\s+/g, " ").trim();
}

/** Bandwidth lines as `AS:64, RS:0`. */
function bandwidthText(list) {
  if (!Array.isArray(list) || !list.length) return null;
  return list.map((b) => (typeof b === "object" && b ? `${b.type ?? ""}:${b.value ?? b.raw ?? ""}` : String(b))).join(", ");
}

const MEDIA_SHOWN = ["media", "kind", "port", "rejected", "proto", "protocol", "codecs", "ptime", "maxptime", "direction", "connection", "bandwidths", "bandwidth", "preconditions", "rtcpMux", "security", "line", "span"];

/**
 * The media summary of a message's SDP (`decoded.media`: session-level origin, c=, b= and
 * direction, then one stream per m= line): the m= line, the codecs (rtpmap) with their fmtp
 * parameters and meanings (AMR-WB/EVS modes…), ptime, direction, c= address, bandwidth, rtcp-mux,
 * SRTP/DTLS and the RFC 3312 precondition table (current, desired, confirmed, met). Keys this page
 * does not know are shown as they come, so a newer core's fields are never hidden. A list of
 * streams is accepted as well as the object.
 */
export function renderMedia(doc, media) {
  const streams = Array.isArray(media) ? media : Array.isArray(media?.streams) ? media.streams : [];
  const session = Array.isArray(media) ? null : media;
  const sessionRows = session
    ? dl(doc, [
        ["Origin (o=)", session.origin ? `${session.origin.username ?? ""} ${session.origin.sessionId ?? ""} ${session.origin.sessionVersion ?? ""} ${session.origin.address ?? ""}`.trim() : null],
        ["Session c=", mediaText(session.connection)],
        ["Session b=", bandwidthText(session.bandwidths)],
        ["Session direction", mediaText(session.direction)],
      ])
    : null;
  return h(
    doc,
    "div",
    { class: "media", "data-role": "media" },
    sessionRows,
    streams.map((m, i) => {
      const codecs = Array.isArray(m.codecs) ? m.codecs : [];
      const pre = Array.isArray(m.preconditions) ? m.preconditions : [];
      const extra = Object.entries(m).filter(([k, v]) => !MEDIA_SHOWN.includes(k) && !/Span$|^spans?$/.test(k) && v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && !v.length));
      const head = h(doc, "code", null, typeof m.line === "string" ? m.line : mLine(m));
      const lineSpan = m.line && typeof m.line === "object" ? m.line : m.span ?? null;
      return h(
        doc,
        "div",
        { class: "media-stream", "data-media": String(i) },
        h(doc, "p", null, lineSpan ? h(doc, "span", { class: "span-link", ...spanLink(lineSpan, `m= line ${i + 1}`) }, head) : head, m.rejected ? h(doc, "span", { class: "badge badge-warning" }, "rejected (port 0)") : null),
        codecs.length ? h(doc, "ul", { class: "codecs", "aria-label": "Codecs" }, codecs.map((c) => codecItem(doc, c))) : null,
        dl(doc, [
          ["ptime", m.ptime === null || m.ptime === undefined ? null : `${mediaText(m.ptime)} ms`],
          ["maxptime", m.maxptime === null || m.maxptime === undefined ? null : `${mediaText(m.maxptime)} ms`],
          ["Direction", mediaText(m.direction)],
          ["Address (c=)", mediaText(m.connection ?? m.address)],
          ["Bandwidth", bandwidthText(m.bandwidths) ?? mediaText(m.bandwidth)],
          ["rtcp-mux", m.rtcpMux ? "yes" : null],
          ["Security", mediaText(m.security)],
          ...extra.map(([k, v]) => [k, mediaText(v)]),
        ]),
        pre.length ? preconditionTable(doc, pre) : null,
      );
    }),
  );
}

/** The RFC 3312 precondition rows: type, status type, current, desired (strength and direction), confirm, met. */
function preconditionTable(doc, rows) {
  const known = rows.every((r) => r && typeof r === "object" && ("current" in r || "desired" in r || "statusType" in r));
  const cols = known
    ? [
        ["Type", (r) => r.type],
        ["Status", (r) => r.statusType],
        ["Current", (r) => r.current],
        ["Desired", (r) => [r.strength, r.desired].filter(Boolean).join(" ")],
        ["Confirm", (r) => r.confirm],
        ["Met", (r) => (r.met === undefined || r.met === null ? null : r.met ? "yes" : "no")],
      ]
    : [...new Set(rows.flatMap((r) => (r && typeof r === "object" ? Object.keys(r) : ["line"])))].filter((k) => !/^spans?$/.test(k)).map((k) => [k, (r) => (r && typeof r === "object" ? r[k] : r)]);
  return h(
    doc,
    "div",
    { class: "table-wrap" },
    h(
      doc,
      "table",
      { class: "preconditions" },
      h(doc, "caption", null, "Preconditions (RFC 3312)"),
      h(doc, "thead", null, h(doc, "tr", null, cols.map(([k]) => h(doc, "th", { scope: "col" }, k)))),
      h(doc, "tbody", null, rows.map((r) => h(doc, "tr", { class: known && r.met === false ? "unmet" : null }, cols.map(([, f]) => h(doc, "td", null, mediaText(f(r)) ?? "—"))))),
    ),
  );
}

/** The findings region (accessible name "Findings"), errors first, then warnings, then infos. */
export function renderFindings(doc, d) {
  const body = d.findings.length
    ? h(
        doc,
        "ul",
        { class: "findings" },
        findingOrder(d.findings).map((i) => {
          const f = d.findings[i];
          return h(
            doc,
            "li",
            { class: `finding sev-${f.severity}`, "data-finding": String(i), ...spanLink(f.span, null, false) },
            h(doc, "span", { class: `badge sev sev-${f.severity}` }, f.severity),
            " ",
            h(doc, "code", null, f.id),
            " ",
            h(doc, "span", { class: "finding-msg" }, f.message),
            h(doc, "span", { class: "muted finding-where" }, ` line ${f.span.line}, column ${f.span.column} · ${f.category} · ${f.specRef}`),
          );
        }),
      )
    : h(doc, "p", { class: "muted" }, "No findings.");
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Findings" }, h(doc, "h2", null, `Findings (${d.findings.length})`), body);
}

/** The header table: name, value with typed fields, one-line meaning. Rows point at their span. */
export function renderHeaders(doc, d) {
  const rows = d.headers.map((hd, i) =>
    h(
      doc,
      "tr",
      { "data-header": String(i), ...spanLink(hd.span, null, false) },
      h(doc, "th", { scope: "row" }, hd.name, hd.canonicalName !== hd.name ? h(doc, "span", { class: "muted" }, ` (${hd.canonicalName})`) : null),
      h(
        doc,
        "td",
        null,
        h(doc, "span", { class: "value" }, hd.value),
        hd.fields.length
          ? h(
              doc,
              "dl",
              { class: "fields" },
              hd.fields.map((f) => [h(doc, "dt", null, f.name), h(doc, "dd", null, f.value)]),
            )
          : null,
      ),
      h(doc, "td", null, hd.meaning ?? "", hd.spec ? h(doc, "span", { class: "muted spec" }, ` ${hd.spec}`) : null),
    ),
  );
  const body = d.body && d.body.kind !== "empty"
    ? h(doc, "p", { class: "muted" }, `Body: ${d.body.kind}, ${plural(d.body.length, "byte")}${d.body.contentType ? `, ${d.body.contentType}` : ""}`)
    : null;
  return section(
    doc,
    "headers",
    `Headers (${d.headers.length})`,
    h(
      doc,
      "div",
      { class: "table-wrap" },
      h(
        doc,
        "table",
        { class: "headers" },
        h(doc, "thead", null, h(doc, "tr", null, h(doc, "th", { scope: "col" }, "Header"), h(doc, "th", { scope: "col" }, "Value and fields"), h(doc, "th", { scope: "col" }, "Meaning"))),
        h(doc, "tbody", null, rows),
      ),
    ),
    body,
  );
}

/** The raw message's children: text before, the highlighted range (a <mark>), text after. */
export function renderRaw(doc, text, range) {
  const frag = doc.createDocumentFragment();
  if (!range || range[1] < range[0]) {
    frag.appendChild(doc.createTextNode(text));
    return frag;
  }
  const [s, e] = range;
  frag.appendChild(doc.createTextNode(text.slice(0, s)));
  frag.appendChild(h(doc, "mark", { class: "hl", id: "raw-mark" }, text.slice(s, e)));
  frag.appendChild(doc.createTextNode(text.slice(e)));
  return frag;
}

/** Which finding (smallest span) or else header holds byte `offset`: { kind, index, span } or null. */
export function itemAtOffset(d, offset) {
  let best = null;
  const consider = (kind, index, span) => {
    if (offset < span.start || offset > span.end || (offset === span.end && span.end > span.start)) return;
    if (!best || span.end - span.start < best.span.end - best.span.start) best = { kind, index, span };
  };
  d.findings.forEach((f, i) => consider("finding", i, f.span));
  if (best) return best;
  d.headers.forEach((hd, i) => consider("header", i, hd.span));
  return best;
}

/**
 * True when every word of `query` (split on spaces) occurs in `text`, ignoring case: "retry
 * after" and "retry-after" both match a text that says "Retry-After".
 */
export function matchesQuery(text, query) {
  const words = String(query ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = String(text ?? "").toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** Everything a code's knowledge page says, as one searchable text (from lookupCode's info). */
export function codeSearchText(info) {
  if (!info) return "";
  const r = info.retry ?? {};
  return [
    info.reason,
    info.description,
    info.purpose,
    info.when,
    info.fix,
    info.note,
    r.policy,
    r.note,
    ...(info.methods ?? []),
    ...(info.causes ?? []),
    ...(info.inspect ?? []),
    ...(info.headers ?? []).flatMap((x) => [x.name, x.why]),
    info.ims?.note,
    info.ims?.clause,
  ]
    .filter(Boolean)
    .join("\n");
}

/**
 * Codes grouped by class, filtered by a search query: a code prefix ("48"), or words found in its
 * reason, description or (given `texts`, a Map code → codeSearchText) anything its page says.
 */
export function renderCodeList(doc, groups, query, texts) {
  const q = (query ?? "").trim();
  const out = h(doc, "div", { class: "code-groups" });
  let shown = 0;
  const hit = (c) => !q || (/^\d+$/.test(q) && String(c.code).startsWith(q)) || matchesQuery(`${c.code} ${c.reason}\n${c.description}\n${texts?.get(c.code) ?? ""}`, q);
  for (const g of groups) {
    const codes = g.codes.filter(hit);
    if (!codes.length) continue;
    shown += codes.length;
    out.appendChild(
      h(
        doc,
        "section",
        { class: `code-group class-${g.class}`, "aria-labelledby": `group-${g.class}` },
        h(doc, "h3", { id: `group-${g.class}` }, `${g.range} ${g.label.replace(/-/g, " ")} (${codes.length})`),
        h(
          doc,
          "ul",
          { class: "code-list" },
          codes.map((c) =>
            h(
              doc,
              "li",
              null,
              h(doc, "a", { href: `#code=${c.code}`, class: "code-link", "data-code": String(c.code) }, h(doc, "strong", null, String(c.code)), ` ${c.reason}`),
              h(doc, "span", { class: "muted" }, ` — ${c.description}`),
            ),
          ),
        ),
      ),
    );
  }
  if (!shown) out.appendChild(h(doc, "p", { class: "muted" }, "No code matches."));
  out.setAttribute("data-count", String(shown));
  return out;
}

/** The knowledge-base lists of the Codes view: their titles and the wasm export that lists them. */
export const KB_LISTS = {
  q850: { title: "Q.850 cause values", fn: "listQ850" },
  warning: { title: "Warning codes", fn: "listWarnings" },
  reason: { title: "Reason protocols and RELEASE_CAUSE values", fn: "listReasonProtocols" },
};

/** One row of a KB list as { key, title, text, spec, sub }, whatever its list. */
function kbRow(kind, r) {
  if (kind === "q850") {
    const sip = Array.isArray(r.sip) ? r.sip.join(", ") : r.sip ?? r.sipStatus ?? null;
    return { key: String(r.cause), title: `${r.cause} ${r.name ?? r.text ?? ""}`.trim(), text: [r.class, r.explanation ?? r.meaning, sip ? `RFC 3398: SIP ${sip}` : null].filter(Boolean).join(" — "), spec: r.spec ?? null, sub: [] };
  }
  if (kind === "warning") return { key: String(r.code), title: `${r.code} ${r.text ?? r.name ?? ""}`.trim(), text: r.meaning ?? r.explanation ?? "", spec: r.spec ?? null, sub: [] };
  const values = r.values ?? r.causes ?? r.releaseCauses ?? [];
  return {
    key: String(r.name ?? r.protocol ?? ""),
    title: String(r.name ?? r.protocol ?? ""),
    text: [
      r.meaning ?? r.description ?? null,
      r.senders ? `Sent by: ${r.senders}` : null,
      !Array.isArray(values) || !values.length ? (typeof r.causes === "string" ? r.causes : null) : null,
      Array.isArray(values) && values.length && r.complete === false ? "(A selection of its values.)" : null,
    ]
      .filter(Boolean)
      .join(" "),
    spec: r.spec ?? null,
    sub: Array.isArray(values) ? values.map((v) => ({ title: `${v.cause ?? v.value ?? v.code ?? ""} ${v.text ?? v.name ?? ""}`.trim(), text: v.meaning ?? v.explanation ?? "" })) : [],
  };
}

/**
 * A knowledge-base list (Q.850 causes, Warning codes, Reason protocols with their values) filtered
 * by `query` (a number prefix or words). `rows` null: the list is not in this build of the
 * package, and the list says so.
 */
export function renderKbList(doc, kind, rows, query) {
  const meta = KB_LISTS[kind];
  const out = h(doc, "section", { class: "kb-list", "data-kind": kind, "aria-label": meta.title });
  out.appendChild(h(doc, "h3", null, meta.title));
  if (!Array.isArray(rows)) {
    out.appendChild(h(doc, "p", { class: "muted", "data-role": "unavailable" }, `${meta.title}: not available in this build (the package has no ${meta.fn}()).`));
    out.setAttribute("data-count", "0");
    return out;
  }
  const q = (query ?? "").trim();
  const items = rows
    .map((r) => kbRow(kind, r))
    .map((r) => {
      const all = [r.title, r.text, ...r.sub.flatMap((x) => [x.title, x.text])].join("\n");
      const match = !q || (/^\d+$/.test(q) && (r.key.startsWith(q) || r.sub.some((x) => x.title.startsWith(q)))) || matchesQuery(all, q);
      return match ? r : null;
    })
    .filter(Boolean);
  out.setAttribute("data-count", String(items.length));
  if (!items.length) {
    out.appendChild(h(doc, "p", { class: "muted" }, "Nothing matches."));
    return out;
  }
  out.appendChild(
    h(
      doc,
      "ul",
      { class: "code-list" },
      items.map((r) =>
        h(
          doc,
          "li",
          { "data-key": r.key },
          h(doc, "strong", null, r.title),
          r.text ? h(doc, "span", { class: "muted" }, ` — ${r.text}`) : null,
          r.spec ? h(doc, "span", { class: "muted spec" }, ` (${r.spec})`) : null,
          r.sub.length ? h(doc, "ul", { class: "kb-values" }, r.sub.map((x) => h(doc, "li", null, h(doc, "strong", null, x.title), x.text ? ` — ${x.text}` : null))) : null,
        ),
      ),
    ),
  );
  return out;
}

/**
 * A code's title: the core's own (`lookup.title`) when it gives one; else "486 Busy Here" for a
 * known code, and for an unknown one "499 (unknown 4xx, read as 400 Bad Request)" — never a
 * name the code does not have (RFC 3261 §8.1.3.2: an unknown code is treated as its x00).
 */
export function codeTitle(lookup) {
  if (lookup.title) return lookup.title;
  const i = lookup.info;
  if (lookup.known !== false) return `${lookup.requested} ${i.reason}`;
  const cls = Math.floor(lookup.requested / 100);
  return `${lookup.requested} (unknown ${cls >= 1 && cls <= 6 ? `${cls}xx` : "code"}, read as ${i.code} ${i.reason})`;
}

/** A code's full knowledge page: everything lookupCode returns. */
export function renderCodePage(doc, lookup) {
  const i = lookup.info;
  const r = i.retry ?? {};
  return h(
    doc,
    "article",
    { class: `code-page class-${i.class}`, "aria-labelledby": "code-page-h" },
    h(doc, "h2", { id: "code-page-h" }, codeTitle(lookup)),
    h(
      doc,
      "p",
      { class: "badges" },
      h(doc, "span", { class: "badge badge-class" }, CLASS_LABELS[i.class] ?? i.class),
      h(doc, "span", { class: "badge" }, i.isFinal ? "final" : "provisional"),
      lookup.known ? null : h(doc, "span", { class: "badge badge-warning" }, `unknown code, read as ${i.code}`),
      h(doc, "span", { class: "badge" }, i.spec),
    ),
    lookup.note ? h(doc, "p", { class: "note" }, lookup.note) : null,
    h(doc, "p", null, i.description),
    dl(doc, [
      ["Purpose", i.purpose],
      ["When", i.when],
      ["Methods", i.methods.join(", ")],
      ["Fix", i.fix],
      ["Retry", [r.policy, r.note].filter(Boolean).join(": ")],
      ["Note", i.note],
    ]),
    i.causes.length ? [h(doc, "h3", null, "Causes"), list(doc, i.causes)] : null,
    i.inspect.length ? [h(doc, "h3", null, "What to inspect"), list(doc, i.inspect)] : null,
    i.headers.length
      ? [h(doc, "h3", null, "Headers"), h(doc, "ul", null, i.headers.map((x) => h(doc, "li", null, h(doc, "strong", null, x.name), ` (${x.presence}) — ${x.why}`)))]
      : null,
    i.ims
      ? [
          h(doc, "h3", null, "In IMS"),
          dl(doc, [
            ["Typical", i.ims.typical ? "yes" : "no"],
            ["Senders", i.ims.senders.join(", ")],
            ["Direction", i.ims.direction],
            ["Interfaces", i.ims.interfaces.join(", ")],
            ["Procedures", i.ims.procedures.join(", ")],
            ["Before", i.ims.before],
            ["After", i.ims.after],
            ["Clause", i.ims.clause],
            ["Note", i.ims.note],
          ]),
        ]
      : null,
    i.related.length
      ? [
          h(doc, "h3", null, "Related"),
          h(
            doc,
            "ul",
            { class: "related" },
            i.related.map((c) =>
              h(
                doc,
                "li",
                null,
                h(doc, "a", { href: `#code=${c}`, "data-code": String(c) }, String(c)),
                " · ",
                h(doc, "a", { href: `#compare=${i.code},${c}` }, `${i.code} vs ${c}`),
              ),
            ),
          ),
        ]
      : null,
  );
}

/** What a response class means for the caller (RFC 3261 §7.2 classes; §21.6: a 6xx is definitive for the user, not one instance), for the comparison's bottom line. */
const CLASS_MEANING = {
  provisional: "still in progress (provisional)",
  success: "succeeded",
  redirection: "redirects: try the Contact it gives",
  "request-failure": "failed at this destination: a changed request or another destination may succeed",
  "server-failure": "the server failed: another server or a later retry may succeed",
  "global-failure": "failed everywhere: do not try other destinations",
  invalid: "is no valid status code",
};

/**
 * The RFC 3398 Q.850 mapping of one side: the core's `q850` field when the comparison carries
 * one, else the rows of `table` (rows { sip, cause, causeText | name, note }) for its code.
 */
function q850Of(side, table) {
  if (side.q850 !== undefined) return side.q850 === null ? [] : [side.q850].flat();
  if (!Array.isArray(table)) return [];
  const code = side.known === false ? side.requested : side.code;
  return table.filter((r) => (Array.isArray(r.sip) ? r.sip.includes(code) : r.sip === code));
}

function q850Text(rows) {
  if (!rows.length) return "none listed";
  return rows
    .map((m) => (typeof m !== "object" ? String(m) : [m.cause === null || m.cause === undefined ? "no cause" : `cause ${m.cause}`, m.causeText ?? m.name ?? null, m.note ? `(${m.note})` : null].filter(Boolean).join(" ")))
    .join("; ");
}

/**
 * One sentence saying what tells the two codes apart: what each class means for the caller and
 * the aspects that differ.
 */
export function comparisonBottomLine(cmp) {
  const { a, b } = cmp;
  const differs = cmp.aspects.filter((x) => x.differs).map((x) => x.aspect);
  const what = (x) => `${x.requested} ${CLASS_MEANING[x.class] ?? x.class}`;
  if (a.class === b.class) {
    return `Both are ${CLASS_LABELS[a.class] ?? a.class}: ${CLASS_MEANING[a.class] ?? ""}${differs.length ? `; they differ in ${differs.join(", ")}` : "; the knowledge base tells them apart only by their text"}.`;
  }
  return `${what(a)}; ${what(b)}${differs.length ? ` (they differ in ${differs.join(", ")})` : ""}.`;
}

/**
 * Two codes side by side ("X vs Y"), with the RFC 3398 Q.850 mapping of each (from the core's
 * comparison when it carries one, else from `q850Table`, rows { sip, cause, causeText, note })
 * and a one-line bottom line.
 */
export function renderComparison(doc, cmp, q850Table) {
  const { a, b } = cmp;
  const name = (x) => x.title ?? (x.known === false ? `${x.requested} (unknown, read as ${x.code})` : `${x.requested} ${x.reason}`);
  const title = `${name(a)} vs ${name(b)}`;
  const qa = q850Of(a, q850Table);
  const qb = q850Of(b, q850Table);
  const haveQ850 = a.q850 !== undefined || b.q850 !== undefined || Array.isArray(q850Table);
  const rows = [
    ["class", CLASS_LABELS[a.class] ?? a.class, CLASS_LABELS[b.class] ?? b.class, a.class !== b.class],
    ["description", a.description, b.description],
    ["when", a.when, b.when],
    ["fix", a.fix, b.fix],
    ...cmp.aspects.filter((x) => x.aspect !== "class").map((x) => [x.aspect, x.a, x.b, x.differs]),
    ...(haveQ850 ? [["Q.850 (RFC 3398)", q850Text(qa), q850Text(qb), q850Text(qa) !== q850Text(qb)]] : []),
  ];
  return h(
    doc,
    "article",
    { class: "comparison", "aria-labelledby": "cmp-h" },
    h(doc, "h2", { id: "cmp-h" }, title),
    h(doc, "p", { class: "bottom-line", "data-role": "bottom-line" }, h(doc, "strong", null, "Bottom line: "), comparisonBottomLine(cmp)),
    h(
      doc,
      "div",
      { class: "table-wrap" },
      h(
        doc,
        "table",
        { class: "compare" },
        h(doc, "thead", null, h(doc, "tr", null, h(doc, "th", { scope: "col" }, "Aspect"), h(doc, "th", { scope: "col" }, name(a)), h(doc, "th", { scope: "col" }, name(b)))),
        h(
          doc,
          "tbody",
          null,
          rows.map(([k, x, y, differs]) =>
            h(doc, "tr", { class: differs ? "differs" : null, "data-aspect": k }, h(doc, "th", { scope: "row" }, k, differs ? h(doc, "span", { class: "badge" }, "differs") : null), h(doc, "td", null, x), h(doc, "td", null, y)),
          ),
        ),
      ),
    ),
    haveQ850 ? null : h(doc, "p", { class: "muted", "data-role": "q850-unavailable" }, "Q.850 mapping (RFC 3398): not available in this build."),
  );
}

/** The report's body for the HTML download: summary, diagnosis, findings, headers, raw text. */
export function renderReport(doc, d, text, meta) {
  return h(
    doc,
    "main",
    null,
    h(doc, "h1", null, `siplens report: ${d.diagnosis.headline}`),
    h(doc, "p", { class: "muted" }, `siplens ${meta?.version ?? ""}${meta?.date ? ` · ${meta.date}` : ""}`),
    meta?.redacted ? h(doc, "p", { class: "redacted" }, `Redacted (${meta.redacted}): identifiers in this report are aliases, not the original values.`) : null,
    renderSummary(doc, d),
    renderDiagnosis(doc, d),
    renderFindings(doc, d),
    renderHeaders(doc, d),
    section(doc, "raw", "Raw message", h(doc, "pre", { class: "raw" }, text)),
  );
}

/**
 * Text escaped for Markdown (CommonMark), only where Markdown would read it as syntax: `\`,
 * backquote, `*`, `_`, `[`, `]`, `<`, `>`, `|` (tables) anywhere; `&` before an entity name;
 * `#`, `+`, `-`, `=` and `1.` / `1)` at the start of a line. Parentheses, dots and the rest stay
 * as they are ("Busy Here (Q.850 17)" reads as written).
 */
export function mdEscape(text) {
  return String(text ?? "")
    .replace(/[\\`*_~[\]<>|]/g, "\\$&")
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, "\\&")
    .replace(/^(\s*)([#+=-])/gm, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/gm, "$1\\$2");
}

/** Markdown report. Message text sits in fenced code; other text is escaped for Markdown. */
export function toMarkdown(d, text, meta) {
  const esc = mdEscape;
  const g = d.diagnosis;
  const st = d.status;
  const fence = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const out = [`# siplens report: ${esc(g.headline)}`, ""];
  if (meta?.version) out.push(`_siplens ${esc(meta.version)}_`, "");
  if (meta?.redacted) out.push(`_Redacted (${esc(meta.redacted)}): identifiers in this report are aliases, not the original values._`, "");
  if (st) out.push(`- **Status:** ${st.code ?? "?"} ${esc(st.reasonPhrase)} (${CLASS_LABELS[st.class] ?? st.class}, ${st.final ? "final" : "provisional"})`);
  if (d.request) out.push(`- **Request:** ${esc(d.request.method)} ${esc(d.request.uri)}`);
  if (d.cseq) out.push(`- **CSeq:** ${d.cseq.seq ?? "?"} ${esc(d.cseq.method)}`);
  out.push("", esc(g.summary), "");
  if (g.likelyCauses.length) {
    out.push("## Likely causes", "");
    for (const c of g.likelyCauses) {
      out.push(`1. ${esc(c.text)} (${c.confidence})`);
      for (const e of c.evidence) out.push(`   - line ${e.span.line}: ${esc(e.what)}`);
    }
    out.push("");
  }
  const bullets = (title, items) => {
    if (!items.length) return;
    out.push(`## ${title}`, "", ...items.map((x) => `- ${esc(x)}`), "");
  };
  bullets("What to inspect", g.inspect);
  bullets("Next steps", g.nextSteps);
  if (g.retry) bullets("Retry", [`${g.retry.allowed ? "allowed" : "not allowed"} (${g.retry.policy})${g.retry.afterSeconds === null ? "" : ` after ${g.retry.afterSeconds} s`}: ${g.retry.where}`]);
  bullets("Reason", g.reasons.map((r) => `${r.protocol} cause ${r.cause ?? "?"} ${r.text ?? ""}${r.meaning ? ` — ${r.meaning}` : ""}`));
  bullets("Warning", g.warnings.map((w) => `${w.code ?? "?"} ${w.agent} ${w.text}${w.meaning ? ` — ${w.meaning}` : ""}`));
  if (g.sender) bullets("Likely sender", [g.sender.role]);
  bullets("Findings", findingOrder(d.findings).map((i) => d.findings[i]).map((f) => `${f.severity} ${f.id} (line ${f.span.line}): ${f.message}`));
  bullets("Specifications", g.specRefs);
  out.push("## Message", "", fence, text.replace(/\r\n/g, "\n"), fence, "");
  return out.join("\n");
}
