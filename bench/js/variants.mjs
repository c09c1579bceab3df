// Compares builds of the .wasm (opt-level × wasm-opt level): size raw / gzip -9 and
// decode throughput on the corpus, in one run. Each argument is a directory holding a
// wasm-pack --target web output (siplens.js + siplens_bg.wasm).
// Usage: node bench/js/variants.mjs DIR...   (see README, "Size and speed")
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadCorpus, throughput } from "./corpus.mjs";

const msgs = loadCorpus();
console.log(`corpus: ${msgs.length} messages`);
console.log("| build | raw bytes | gzip -9 bytes | decode msgs/s |");
console.log("| --- | ---: | ---: | ---: |");
for (const dir of process.argv.slice(2)) {
  const wasm = readFileSync(resolve(dir, "siplens_bg.wasm"));
  const m = await import(pathToFileURL(resolve(dir, "siplens.js")).href);
  m.initSync({ module: wasm });
  const { msgsPerSec } = throughput(msgs, (x) => m.decode(x.text));
  const gz = gzipSync(wasm, { level: 9 }).length;
  console.log(`| ${dir.split("/").pop()} | ${wasm.length} | ${gz} | ${Math.round(msgsPerSec)} |`);
}
