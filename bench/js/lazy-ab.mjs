// A/B of the lazy entry across builds, in one process: `parse(text)` (+ `free()`) and
// `parse` + method/status, callId, cseq, for each package entry given, beside drachtio-sip's
// lazy parse, in interleaved rounds; ratios within each round (median, min–max).
// Usage (from bench/js): BENCH_CLOCK=cpu node lazy-ab.mjs ../../pkg/node.js /other/pkg/node.js
// Used to measure the lazy entry step by step (docs/PERFORMANCE.md); `make bench-js` is the
// reference run. No thresholds.
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { clock, loadCorpus, throughput } from "./corpus.mjs";

const require = createRequire(import.meta.url);
const drachtio = require("drachtio-sip");
const entries = process.argv.slice(2);
const libs = [];
for (const e of entries) libs.push(await import(pathToFileURL(resolve(e)).href));
const msgs = loadCorpus();
const rows = [
  ["drachtio-sip lazy", (m) => drachtio.parser.parseSipMessage(m.text, true)],
  ["drachtio-sip lazy + 3 fields", (m) => {
    const x = drachtio.parser.parseSipMessage(m.text, true);
    return (x.method ?? x.status) && x.headers["call-id"] && parseInt(x.headers.cseq ?? "", 10) >= 0;
  }],
];
libs.forEach((lib, j) => {
  rows.push([`${entries[j]} parse`, (m) => {
    const x = lib.parse(m.text);
    const ok = x.kind !== "invalid";
    x.free();
    return ok;
  }]);
  rows.push([`${entries[j]} parse + 3 fields`, (m) => {
    const x = lib.parse(m.text);
    const ok = (x.method ?? x.statusCode) && x.callId && x.cseq?.seq >= 0;
    x.free();
    return ok;
  }]);
});
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 7));
const out = rows.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < rows.length; k++) {
    const i = (r + k) % rows.length;
    out[i][r] = throughput(msgs, rows[i][1], 600).msgsPerSec;
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const ratio = (a, b) => out[a].map((x, i) => x / out[b][i]);
const fmt = (r) => `${median(r).toFixed(2)}× (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}×)`;
console.log(`clock: ${clock}; ${rounds} rounds; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
rows.forEach(([name], i) => {
  const vs = i < 2 ? "" : `  / drachtio${i % 2 ? " + 3 fields" : ""}: ${fmt(ratio(i, i % 2))}`;
  console.log(`${name}: ${Math.round(median(out[i]))} msg/s${vs}`);
});
