// make bench-js: siplens decode throughput on the shared corpus beside the JS SIP parsers
// people use today, in one run. They only parse; siplens `decode` parses AND diagnoses
// (findings, knowledge base, owned JSON contract), so that comparison favours them.
// Then, interleaved over BENCH_ROUNDS rounds (default 5) so that load changes hit every row
// alike:
// - the two issue-14 goals, each a ratio measured within one round (median and range printed):
//   siplens `decode` ≥ drachtio-sip's typed parse, and siplens' lazy `parse` ≥ 3× drachtio-sip's
//   lazy parse; and goal 1's floor without wasm: JSON.parse building the objects of each
//   message's decode result (taken beforehand), with and without `headers`;
// - the JS/wasm boundary: the same decode returned four ways (needs ./pkg-boundary, built by
//   `make bench-js` with the bench-boundary feature).
// Numbers vary with machine load: compare within one run. No thresholds anywhere.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { clock, loadCorpus, throughput } from "./corpus.mjs";
import * as siplens from "../../pkg/node.js";
// The full module (opt-level 3; the core is built for size, opt-level z): its `parse` is the
// same code, to show what the build profile costs the lazy entry.
import * as siplensFull from "../../pkg/trace-node.js";

const require = createRequire(import.meta.url);
const sip = require("sip");
const drachtio = require("drachtio-sip");
const jssipParser = require("jssip/lib/Parser.js");
const { Parser: sipjsParser } = await import("sip.js/lib/core/messages/parser.js");

const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const quiet = { log() {}, debug() {}, warn() {}, error() {} };
const msgs = loadCorpus();
const kb = msgs.reduce((n, m) => n + m.bytes.length, 0) / 1024;
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
console.log(`corpus: ${msgs.length} messages, ${kb.toFixed(0)} KiB (node ${process.version})`);
console.log(`load average at start: ${load()}; clock: ${clock} (BENCH_CLOCK=cpu: this process's CPU time)\n`);

// drachtio-sip's typed parse as a caller uses it: the lazy SipMessage, then the parsed
// headers a caller needs (Via list, From/To with tag and URI, Contact, CSeq, Call-ID,
// Max-Forwards). Its parsers throw on some values; such a message counts as not parsed.
const { SipMessage: DrachtioMessage, parser: drachtioParser } = drachtio;
function drachtioTyped(text) {
  const m = new DrachtioMessage(text);
  const via = m.getParsedHeader("via");
  const from = m.getParsedHeader("from");
  const to = m.getParsedHeader("to");
  const fromUri = drachtioParser.parseUri(from.uri);
  const toUri = drachtioParser.parseUri(to.uri);
  const contact = m.has("contact") ? m.getParsedHeader("contact") : undefined;
  const cseq = m.getParsedHeader("cseq");
  const callId = m.get("call-id");
  const maxForwards = m.has("max-forwards") ? +m.get("max-forwards") : undefined;
  return via.length && from.params && to.params && fromUri && toUri && cseq.seq >= 0 && callId
    && (contact ?? true) && (maxForwards ?? true);
}
// drachtio-sip's lazy parse: start line and header values as strings, nothing typed.
const drachtioLazy = (text) => drachtioParser.parseSipMessage(text, true);
// Reading a few fields after each lazy parse: the start line, Call-ID and the CSeq number.
function drachtioLazyRead(text) {
  const m = drachtioParser.parseSipMessage(text, true);
  const cseq = m.headers.cseq ?? "";
  return (m.method ?? m.status) && m.headers["call-id"] && parseInt(cseq, 10) >= 0;
}
// siplens' lazy entry; free() as code written for the wasm-bindgen class did (now a no-op:
// a SipMessage holds no module memory).
function siplensLazy(text, lib = siplens) {
  const m = lib.parse(text);
  const ok = m.kind !== "invalid";
  m.free();
  return ok;
}
function siplensLazyRead(text) {
  const m = siplens.parse(text);
  const ok = (m.method ?? m.statusCode) && m.callId && m.cseq?.seq >= 0;
  m.free();
  return ok;
}

const contenders = [
  ["siplens decode (parse + diagnose)", (m) => siplens.decode(m.text)],
  ["siplens decodeBytes", (m) => siplens.decodeBytes(m.bytes)],
  ["siplens parse (lazy entry)", (m) => siplensLazy(m.text)],
  ["siplens parse + method/status, callId, cseq", (m) => siplensLazyRead(m.text)],
  ["siplens parse, no free() (nothing to free)", (m) => siplens.parse(m.text).kind !== "invalid"],
  ["sip (npm) parse", (m) => sip.parse(m.text)],
  ["drachtio-sip parseSipMessage (all headers parsed)", (m) => drachtioParser.parseSipMessage(m.text, false)],
  ["drachtio-sip typed (SipMessage + getParsedHeader)", (m) => drachtioTyped(m.text)],
  ["drachtio-sip lazy (parseSipMessage(text, true))", (m) => drachtioLazy(m.text)],
  ["drachtio-sip lazy + method/status, call-id, cseq", (m) => drachtioLazyRead(m.text)],
  ["jssip Parser.parseMessage", (m) => jssipParser.parseMessage(m.text, undefined)],
  ["sip.js Parser.parseMessage", (m) => sipjsParser.parseMessage(m.text, quiet)],
];

/** How many messages `fn` parses (returns truthy without throwing). */
function parsedOk(fn) {
  let ok = 0;
  for (const m of msgs) {
    try { if (fn(m)) ok++; } catch { /* a parser that throws counts as not parsed */ }
  }
  return ok;
}
const safe = (fn) => (m) => { try { fn(m); } catch { /* counted by parsedOk */ } };

function table(rows) {
  console.log("| what | messages/s | MB/s | parsed ok |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [name, fn] of rows) {
    const ok = parsedOk(fn);
    const r = throughput(msgs, safe(fn));
    console.log(`| ${name} | ${Math.round(r.msgsPerSec)} | ${r.mbPerSec.toFixed(1)} | ${ok}/${msgs.length} |`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/**
 * Runs every row `rounds` times, interleaved (round r starts at row r mod n), about
 * `ms` each; returns msgs/s per row per round.
 */
function interleaved(rows, ms = 1000) {
  const out = rows.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < rows.length; k++) {
      const i = (r + k) % rows.length;
      out[i][r] = throughput(msgs, safe(rows[i][1]), ms).msgsPerSec;
    }
  }
  return out;
}

function roundsTable(rows, runs) {
  const head = Array.from({ length: rounds }, (_, r) => `round ${r + 1}`);
  console.log(`| what | median msg/s | min–max | ${head.join(" | ")} |`);
  console.log(`| --- | ---: | ---: | ${head.map(() => "---:").join(" | ")} |`);
  rows.forEach(([name], i) => {
    const v = runs[i];
    const f = (x) => String(Math.round(x));
    const spread = `${f(Math.min(...v))}–${f(Math.max(...v))}`;
    console.log(`| ${name} | ${f(median(v))} | ${spread} | ${v.map(f).join(" | ")} |`);
  });
}

/** A ratio a/b computed within each round: median, min and max over the rounds. */
function ratio(runs, a, b) {
  const r = runs[a].map((x, i) => x / runs[b][i]);
  return { median: median(r), min: Math.min(...r), max: Math.max(...r) };
}
const fmt = (r) => `${r.median.toFixed(2)}× (rounds ${r.min.toFixed(2)}–${r.max.toFixed(2)}×)`;

table(contenders);

// The floor of goal 1 without any wasm: V8's JSON.parse (its fastest native way to build an
// object graph) making the objects of each message's `decode` result, taken once beforehand,
// and the same without `headers` (the field table, about three quarters of the JSON).
for (const m of msgs) {
  const d = siplens.decode(m.text);
  m.json = JSON.stringify(d);
  const { headers, ...rest } = d;
  m.jsonLight = JSON.stringify(rest);
}
const avgLen = (k) => Math.round(msgs.reduce((n, m) => n + m[k].length, 0) / msgs.length);
console.log(`\ndecode result as JSON: ${avgLen("json")} characters a message on average, ${avgLen("jsonLight")} without \`headers\``);

console.log(`\nIssue-14 goals: ${rounds} interleaved rounds, ratios taken within each round\n`);
const goalRows = [
  ["siplens decode (parse + diagnose + JS objects)", (m) => siplens.decode(m.text)],
  ["drachtio-sip typed (SipMessage + getParsedHeader)", (m) => drachtioTyped(m.text)],
  ["siplens parse (lazy entry)", (m) => siplensLazy(m.text)],
  ["drachtio-sip lazy (parseSipMessage(text, true))", (m) => drachtioLazy(m.text)],
  ["siplens parse + method/status, callId, cseq", (m) => siplensLazyRead(m.text)],
  ["drachtio-sip lazy + method/status, call-id, cseq", (m) => drachtioLazyRead(m.text)],
  ["siplens/trace parse (full module, opt-level 3)", (m) => siplensLazy(m.text, siplensFull)],
  ["JSON.parse of the decode result (JS objects only, no wasm)", (m) => JSON.parse(m.json)],
  ["JSON.parse of the decode result without headers", (m) => JSON.parse(m.jsonLight)],
];
const goals = interleaved(goalRows);
roundsTable(goalRows, goals);
const g1 = ratio(goals, 0, 1);
const g2 = ratio(goals, 2, 3);
const g3 = ratio(goals, 4, 5);
console.log("");
console.log(`GOAL 1  decode / drachtio typed: ${fmt(g1)}  (goal ≥ 1: ${g1.median >= 1 ? "met" : "NOT met"})`);
console.log(`GOAL 2  lazy parse / drachtio lazy: ${fmt(g2)}  (goal ≥ 3: ${g2.median >= 3 ? "met" : "NOT met"})`);
console.log(`        lazy parse + 3 fields / drachtio lazy + 3 fields: ${fmt(g3)}`);
console.log(`        siplens/trace lazy parse (opt-level 3) / drachtio lazy: ${fmt(ratio(goals, 6, 3))}`);
console.log(`        goal 1's floor, the result's objects alone (JSON.parse) / drachtio typed: ${fmt(ratio(goals, 7, 1))}`);
console.log(`        the same without headers (the field table) / drachtio typed: ${fmt(ratio(goals, 8, 1))}`);

const boundaryPkg = new URL("./pkg-boundary/node.js", import.meta.url);
if (existsSync(boundaryPkg)) {
  const b = await import(boundaryPkg.href);
  console.log(`\nJS/wasm boundary: the same decode returned four ways, ${rounds} interleaved rounds\n`);
  const rows = [
    ["serde_json string + JSON.parse in wasm", (m) => b.decodeJsonParseInWasm(m.text)],
    ["serde_json string, JSON.parse in JS", (m) => JSON.parse(b.decodeJsonString(m.text))],
    ["serde-wasm-bindgen objects", (m) => b.decodeSerdeWasmBindgen(m.text)],
    ["no conversion (floor of lazy accessors)", (m) => b.decodeCoreOnly(m.text) + 1],
    ["shipped decode (one of the above)", (m) => b.decode(m.text)],
  ];
  const runs = interleaved(rows);
  roundsTable(rows, runs);
  console.log(`\nserde-wasm-bindgen / JSON in wasm: ${fmt(ratio(runs, 2, 0))}`);
  console.log(`JSON.parse in JS / JSON in wasm: ${fmt(ratio(runs, 1, 0))}`);
  console.log(`no conversion / JSON in wasm: ${fmt(ratio(runs, 3, 0))}`);
}
console.log(`\nload average at end: ${load()}`);
