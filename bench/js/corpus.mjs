// The shared corpus of real messages: ../shared/corpus/traces/pcap-extract/**/*.sip.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export const corpusDir =
  process.env.SIPLENS_CORPUS ?? new URL("../../../shared/corpus/traces/pcap-extract/", import.meta.url).pathname;

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (name.endsWith(".sip")) yield p;
  }
}

/** Every corpus message as { file, bytes, text }. */
export function loadCorpus() {
  return [...walk(corpusDir)].map((file) => {
    const bytes = readFileSync(file);
    return { file, bytes, text: bytes.toString("utf8") };
  });
}

/**
 * Per second of what `throughput` divides by: wall-clock time, or with BENCH_CLOCK=cpu this
 * process's CPU time (user + system, GC threads included), which other processes' load on a
 * shared machine disturbs far less.
 */
export const clock = process.env.BENCH_CLOCK === "cpu" ? "cpu" : "wall";
const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

/** Runs fn over all messages until `ms` elapsed (after a warm-up); returns msgs/s and MB/s. */
export function throughput(msgs, fn, ms = 1500) {
  const bytes = msgs.reduce((n, m) => n + m.bytes.length, 0);
  for (const m of msgs) fn(m);
  let rounds = 0;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  let t = t0;
  while (t - t0 < ms) {
    for (const m of msgs) fn(m);
    rounds++;
    t = performance.now();
  }
  const s = clock === "cpu" ? cpuSeconds() - c0 : (t - t0) / 1000;
  return { msgsPerSec: (rounds * msgs.length) / s, mbPerSec: (rounds * bytes) / s / 1e6 };
}
