// Compares builds of the core module (`make pkg`'s pkg/siplens_bg.wasm, or any wasm-pack
// --target web output) in one run: size raw / gzip -9, the first call into the knowledge
// base after instantiation, and `decode` throughput on the corpus, in interleaved rounds
// (round r starts at build r), each ratio taken against the first build within a round.
// Usage: node bench/js/cores.mjs DIR...   (see README, "Size and speed")
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadCorpus, throughput } from "./corpus.mjs";

const ROUNDS = +(process.env.ROUNDS ?? 5);
const msgs = loadCorpus();
const dirs = process.argv.slice(2);
const builds = [];
for (const dir of dirs) {
  const wasm = readFileSync(resolve(dir, "siplens_bg.wasm"));
  // A fresh copy of the glue per build: each keeps its own module instance.
  const url = pathToFileURL(resolve(dir, "siplens.js")).href + `?b=${builds.length}`;
  const m = await import(url);
  m.initSync({ module: wasm });
  const t0 = performance.now();
  m.lookupCode(486);
  const first = performance.now() - t0;
  builds.push({ dir, m, wasm, first, rates: [], ratios: [] });
}
console.log(`corpus: ${msgs.length} messages; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (let r = 0; r < ROUNDS; r++) {
  const rates = new Map();
  for (let i = 0; i < builds.length; i++) {
    const b = builds[(r + i) % builds.length];
    rates.set(b, throughput(msgs, (x) => b.m.decode(x.text), 1000).msgsPerSec);
  }
  for (const b of builds) {
    b.rates.push(rates.get(b));
    b.ratios.push(rates.get(b) / rates.get(builds[0]));
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const range = (v, f) => `${f(Math.min(...v))}–${f(Math.max(...v))}`;
console.log("| build | raw bytes | gzip -9 bytes | first `lookupCode` | decode msgs/s, median (range) | ratio to the first, median (range) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const b of builds) {
  const n = (x) => Math.round(x).toString();
  const x = (v) => `${v.toFixed(2)}×`;
  console.log(
    `| ${b.dir.split("/").filter(Boolean).pop()} | ${b.wasm.length} | ${gzipSync(b.wasm, { level: 9 }).length} | ${b.first.toFixed(2)} ms | ${n(median(b.rates))} (${range(b.rates, n)}) | ${x(median(b.ratios))} (${range(b.ratios, x)}) |`,
  );
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
