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

/** The diagnosis region (accessible name "Diagnosis"). */
export function renderDiagnosis(doc, d) {
  const g = d.diagnosis;
  const parts = [h(doc, "p", { class: "summary-text" }, g.summary)];
  if (g.context) parts.push(h(doc, "p", { class: "muted" }, `Context: ${g.context}`));
  if (g.likelyCauses.length) {
    parts.push(
      h(doc, "h3", null, "Likely causes"),
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
    );
  }
  if (g.inspect.length) parts.push(h(doc, "h3", null, "What to inspect"), list(doc, g.inspect));
  if (g.nextSteps.length) parts.push(h(doc, "h3", null, "Next steps"), list(doc, g.nextSteps));
  if (g.retry) {
    const r = g.retry;
    parts.push(
      h(doc, "h3", null, "Retry"),
      dl(doc, [
        ["Allowed", r.allowed ? "yes" : "no"],
        ["Policy", r.policy],
        ["After", r.afterSeconds === null ? null : `${r.afterSeconds} s`],
        ["Where", r.where],
      ]),
    );
  }
  if (g.reasons.length) {
    parts.push(
      h(doc, "h3", null, "Reason"),
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
    );
  }
  if (g.warnings.length) {
    parts.push(
      h(doc, "h3", null, "Warning"),
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
    );
  }
  if (g.sender) {
    parts.push(h(doc, "h3", null, "Likely sender"), h(doc, "p", null, g.sender.role), evidenceList(doc, g.sender.evidence));
  }
  if (g.challenge) {
    const c = g.challenge;
    parts.push(
      h(doc, "h3", null, "Authentication challenge"),
      h(doc, "p", null, h(doc, "span", { class: "span-link", ...spanLink(c.span) }, `${c.header}: ${c.scheme}${c.aka ? " (IMS AKA)" : ""}`)),
      dl(doc, [
        ["Algorithm", c.algorithm],
        ["Realm", c.realm],
        ["Nonce", c.nonce],
        ["qop", c.qop],
        ["Opaque", c.opaque],
        ["Stale", c.stale === null ? null : String(c.stale)],
      ]),
    );
  }
  if (g.ims) {
    const m = g.ims;
    parts.push(
      h(doc, "h3", null, "In IMS"),
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
    );
  }
  if (g.specRefs.length) parts.push(h(doc, "h3", null, "Specifications"), list(doc, g.specRefs, "specs"));
  return h(doc, "section", { class: "panel", role: "region", "aria-label": "Diagnosis" }, h(doc, "h2", null, "Diagnosis"), parts);
}

/** The findings region (accessible name "Findings"). */
export function renderFindings(doc, d) {
  const body = d.findings.length
    ? h(
        doc,
        "ul",
        { class: "findings" },
        d.findings.map((f, i) =>
          h(
            doc,
            "li",
            { class: `finding sev-${f.severity}`, "data-finding": String(i), ...spanLink(f.span, null, false) },
            h(doc, "span", { class: `badge sev sev-${f.severity}` }, f.severity),
            " ",
            h(doc, "code", null, f.id),
            " ",
            h(doc, "span", { class: "finding-msg" }, f.message),
            h(doc, "span", { class: "muted finding-where" }, ` line ${f.span.line}, column ${f.span.column} · ${f.category} · ${f.specRef}`),
          ),
        ),
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
    ? h(doc, "p", { class: "muted" }, `Body: ${d.body.kind}, ${d.body.length} bytes${d.body.contentType ? `, ${d.body.contentType}` : ""}`)
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

/** Codes grouped by class, filtered by a search query (code, reason or description). */
export function renderCodeList(doc, groups, query) {
  const q = (query ?? "").trim().toLowerCase();
  const out = h(doc, "div", { class: "code-groups" });
  let shown = 0;
  for (const g of groups) {
    const codes = g.codes.filter((c) => !q || String(c.code).startsWith(q) || c.reason.toLowerCase().includes(q) || c.description.toLowerCase().includes(q));
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

/** A code's full knowledge page: everything lookupCode returns. */
export function renderCodePage(doc, lookup) {
  const i = lookup.info;
  const r = i.retry ?? {};
  return h(
    doc,
    "article",
    { class: `code-page class-${i.class}`, "aria-labelledby": "code-page-h" },
    h(doc, "h2", { id: "code-page-h" }, lookup.title ?? `${lookup.requested} ${i.reason}`),
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

/** Two codes side by side ("X vs Y"). */
export function renderComparison(doc, cmp) {
  const { a, b } = cmp;
  const name = (x) => x.title ?? `${x.requested} ${x.reason}`;
  const title = `${name(a)} vs ${name(b)}`;
  const rows = [
    ["class", CLASS_LABELS[a.class] ?? a.class, CLASS_LABELS[b.class] ?? b.class],
    ["description", a.description, b.description],
    ["when", a.when, b.when],
    ["fix", a.fix, b.fix],
    ...cmp.aspects.filter((x) => x.aspect !== "class").map((x) => [x.aspect, x.a, x.b, x.differs]),
  ];
  return h(
    doc,
    "article",
    { class: "comparison", "aria-labelledby": "cmp-h" },
    h(doc, "h2", { id: "cmp-h" }, title),
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
            h(doc, "tr", { class: differs ? "differs" : null }, h(doc, "th", { scope: "row" }, k, differs ? h(doc, "span", { class: "badge" }, "differs") : null), h(doc, "td", null, x), h(doc, "td", null, y)),
          ),
        ),
      ),
    ),
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

/** Markdown report. Message text sits in fenced code; other text is escaped for Markdown. */
export function toMarkdown(d, text, meta) {
  const esc = (s) => String(s ?? "").replace(/([\\`*_{}[\]<>()#+!|])/g, "\\$1");
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
  bullets("Findings", d.findings.map((f) => `${f.severity} ${f.id} (line ${f.span.line}): ${f.message}`));
  bullets("Specifications", g.specRefs);
  out.push("## Message", "", fence, text.replace(/\r\n/g, "\n"), fence, "");
  return out.join("\n");
}
