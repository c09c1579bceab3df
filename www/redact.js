// siplens page: redaction. The Redact settings (on/off, level; kept in localStorage) and pure
// render functions for the "Aliases" panel and the help on what each level replaces. Same rules
// as render.js: data and a document in, nodes out; no globals, no listeners, no innerHTML. An
// alias map holds the original values, which are message text: they only ever become text nodes.
// The page decodes the redacted text (app.js), so what it shows, shares and exports derives from
// it; the alias map is shown here and goes nowhere else.
import { h } from "./render.js";

export const STORAGE_KEY = "siplens-redact";

/** The levels, each including the ones before it, with the names the page shows. */
export const LEVELS = [
  { id: "identities", label: "Identities" },
  { id: "network", label: "Identities and network" },
  { id: "all", label: "Everything" },
];

export const DEFAULTS = Object.freeze({ on: false, level: "network" });

/** The stored settings ({ on, level }), or the defaults (off, network) when absent or damaged. */
export function loadSettings(storage) {
  try {
    const s = JSON.parse(storage?.getItem(STORAGE_KEY) ?? "null");
    if (s && typeof s === "object") {
      return { on: s.on === true, level: LEVELS.some((l) => l.id === s.level) ? s.level : DEFAULTS.level };
    }
  } catch {
    /* unreadable storage or JSON: the defaults */
  }
  return { ...DEFAULTS };
}

/** Keeps the settings; a storage that refuses (private mode) leaves them for this page only. */
export function saveSettings(storage, settings) {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify({ on: settings.on, level: settings.level }));
  } catch {
    /* the toggle still works for this page */
  }
}

/** The options of the wasm `redact(text, options)` call for these settings. */
export function redactOptions(settings) {
  return { level: settings.level };
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line for the status: "Redacted (network): 9 replacements of 5 values." */
export function reportSummary(report) {
  return `Redacted (${report.level}): ${plural(report.total, "replacement")} of ${plural(report.aliases.length, "value")}.`;
}

/** Text with `code spans` (as the kinds table writes them) as <code> elements. */
function withCode(doc, text) {
  return text.split("`").map((part, i) => (i % 2 ? h(doc, "code", null, part) : part));
}

/**
 * The "Aliases" panel (a region): counts by kind (kinds checked but not found on one line), then
 * every alias with its original value and count. Says that the map stays on this machine: it is
 * not part of share links or exports.
 */
export function renderAliases(doc, report) {
  const labels = new Map(report.kinds.map((k) => [k.kind, k.label]));
  const found = report.kinds.filter((k) => k.replaced > 0);
  const none = report.kinds.filter((k) => k.replaced === 0);
  const counts = found.length
    ? h(
        doc,
        "table",
        { class: "redact-counts" },
        h(doc, "caption", null, "Replaced by kind"),
        h(doc, "thead", null, h(doc, "tr", null, ["Kind", "Replaced", "Distinct values"].map((t) => h(doc, "th", { scope: "col" }, t)))),
        h(
          doc,
          "tbody",
          null,
          found.map((k) => h(doc, "tr", { "data-kind": k.kind }, h(doc, "th", { scope: "row" }, k.label), h(doc, "td", null, String(k.replaced)), h(doc, "td", null, String(k.distinct)))),
        ),
      )
    : null;
  const aliases = report.aliases.length
    ? h(
        doc,
        "table",
        { class: "aliases" },
        h(doc, "caption", null, "Aliases"),
        h(doc, "thead", null, h(doc, "tr", null, ["Kind", "Original", "Alias", "Count"].map((t) => h(doc, "th", { scope: "col" }, t)))),
        h(
          doc,
          "tbody",
          null,
          report.aliases.map((a) =>
            h(
              doc,
              "tr",
              { "data-kind": a.kind },
              h(doc, "td", null, labels.get(a.kind) ?? a.kind),
              h(doc, "td", { "data-role": "original" }, h(doc, "code", null, a.original)),
              h(doc, "td", { "data-role": "alias" }, h(doc, "code", null, a.alias)),
              h(doc, "td", null, String(a.count)),
            ),
          ),
        ),
      )
    : h(doc, "p", { class: "muted" }, "Nothing to replace at this level.");
  return h(
    doc,
    "section",
    { class: "panel redaction", role: "region", "aria-labelledby": "aliases-h", "data-total": String(report.total) },
    h(doc, "h2", { id: "aliases-h" }, `Aliases (${report.aliases.length})`),
    h(doc, "p", { class: "notice" }, h(doc, "strong", null, "Stays on this machine: "), "this map of original values is not included in share links or exports. Everything else on the page shows the redacted text."),
    h(doc, "p", { "data-role": "summary" }, reportSummary(report)),
    h(
      doc,
      "div",
      { class: "redaction-tables" },
      h(
        doc,
        "div",
        { class: "table-wrap" },
        counts,
        none.length ? h(doc, "p", { class: "muted", "data-role": "not-found" }, `Checked, none found: ${none.map((k) => k.label).join(", ")}.`) : null,
      ),
      h(doc, "div", { class: "table-wrap" }, aliases),
    ),
  );
}

/** What each level replaces, from the kinds table (`redactionKinds()`): a list per level. */
export function renderLevelHelp(doc, kinds) {
  return h(
    doc,
    "ul",
    { class: "redact-levels" },
    LEVELS.map((level, i) => {
      const own = kinds.filter((k) => k.level === level.id);
      return h(
        doc,
        "li",
        { "data-level": level.id },
        h(doc, "strong", null, level.label),
        ` (${level.id}) ${i ? "also replaces" : "replaces"}:`,
        h(doc, "ul", null, own.map((k) => h(doc, "li", { "data-kind": k.id }, h(doc, "span", { class: "kind-label" }, k.label), ": ", withCode(doc, k.covers)))),
      );
    }),
  );
}
