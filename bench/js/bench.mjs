// make bench-js: siplens decode throughput on the shared corpus beside the JS SIP parsers
// people use today, in one run. They only parse; siplens parses AND diagnoses (findings,
// knowledge base, owned JSON contract), so the comparison favours them.
// Then the JS/wasm boundary: the same decode returned four ways (needs ./pkg-boundary,
// built by `make bench-js` with the bench-boundary feature).
// Numbers vary with machine load: compare within one run. No thresholds anywhere.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { loadCorpus, throughput } from "./corpus.mjs";
import * as siplens from "../../pkg/node.js";

const require = createRequire(import.meta.url);
const sip = require("sip");
const drachtio = require("drachtio-sip");
const jssipParser = require("jssip/lib/Parser.js");
const { Parser: sipjsParser } = await import("sip.js/lib/core/messages/parser.js");

const quiet = { log() {}, debug() {}, warn() {}, error() {} };
const msgs = loadCorpus();
const kb = msgs.reduce((n, m) => n + m.bytes.length, 0) / 1024;
console.log(`corpus: ${msgs.length} messages, ${kb.toFixed(0)} KiB (node ${process.version})\n`);

const contenders = [
  ["siplens decode (parse + diagnose)", (m) => siplens.decode(m.text)],
  ["siplens decodeBytes", (m) => siplens.decodeBytes(m.bytes)],
  ["sip (npm) parse", (m) => sip.parse(m.text)],
  ["drachtio-sip parseSipMessage", (m) => drachtio.parser.parseSipMessage(m.text, false)],
  ["jssip Parser.parseMessage", (m) => jssipParser.parseMessage(m.text, undefined)],
  ["sip.js Parser.parseMessage", (m) => sipjsParser.parseMessage(m.text, quiet)],
];

function table(rows) {
  console.log("| what | messages/s | MB/s | parsed ok |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const [name, fn] of rows) {
    let ok = 0;
    for (const m of msgs) {
      try { if (fn(m)) ok++; } catch { /* a parser that throws counts as not parsed */ }
    }
    const safe = (m) => { try { fn(m); } catch { /* counted above */ } };
    const r = throughput(msgs, safe);
    console.log(`| ${name} | ${Math.round(r.msgsPerSec)} | ${r.mbPerSec.toFixed(1)} | ${ok}/${msgs.length} |`);
  }
}

table(contenders);

const boundaryPkg = new URL("./pkg-boundary/node.js", import.meta.url);
if (existsSync(boundaryPkg)) {
  const b = await import(boundaryPkg.href);
  console.log("\nJS/wasm boundary: the same decode, returned four ways\n");
  table([
    ["serde_json string + JSON.parse in wasm (shipped)", (m) => b.decode(m.text)],
    ["serde_json string, JSON.parse in JS", (m) => JSON.parse(b.decodeJsonString(m.text))],
    ["serde-wasm-bindgen objects", (m) => b.decodeSerdeWasmBindgen(m.text)],
    ["no conversion (floor of lazy accessors)", (m) => b.decodeCoreOnly(m.text) + 1],
  ]);
}
