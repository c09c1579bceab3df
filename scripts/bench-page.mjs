// `make bench-page`: time to the first result after navigation on a cold load of the page, in
// Chromium (Debian's, driven by playwright-core), for this build beside a baseline build in the
// same run. Each load is a new browser with a new profile directory (no HTTP cache, no compiled
// wasm cache: what a new user gets). Loads alternate between the variants, so both see the same
// machine load.
//
// "First result" is the `siplens-rendered` performance mark app.js sets when the first decode
// (the default example) is on screen, in ms since navigation start. Also reported: when the
// page's wasm finished downloading, and the bytes sent over the wire for .wasm files. Then, in
// the same page, a 2 KB message typed (the `input` event, as a keystroke sends it; decode after
// the page's debounce) → `data-render-ms` (decode + render, the page's own measure).
//
// Variants:
//   baseline      the baseline's www/ + pkg/ (BASELINE dir), served uncompressed, as
//                 `python3 -m http.server` serves it (what `make serve` did before);
//   split         this build (www/ + pkg/), served as `make serve` serves it (brotli/gzip);
//   split-plain   this build served uncompressed (the split's share of the gain).
// `--network MBIT,MS` emulates a link (Chrome DevTools' network conditions: that many Mbit/s down
// and up, that many ms of latency per request) instead of loopback, where transfer is free and
// compression only costs the decompression.
// Usage: node scripts/bench-page.mjs [--runs 10] [--baseline target/bench-baseline] [--network 20,20] [--json out.json]
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, loadavg, cpus } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const root = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(opt("--runs", "10"));
const baselineDir = resolve(opt("--baseline", join(root, "target/bench-baseline")));
const jsonOut = opt("--json", null);
const network = opt("--network", null)?.split(",").map(Number) ?? null;
const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

if (!existsSync(join(baselineDir, "www/index.html")) || !existsSync(join(baselineDir, "pkg/siplens_bg.wasm"))) {
  console.error(`error: no baseline build in ${baselineDir} (www/ and pkg/); \`make bench-page\` builds one from BASELINE_REF`);
  process.exit(1);
}

// A 2 KB message for the typing measure: an INVITE with SDP, padded to 2048 bytes by a header.
function message2k() {
  const sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
  const head = [
    "INVITE sip:bob@example.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-bench-1",
    "Max-Forwards: 70",
    "From: \"Alice\" <sip:alice@example.com>;tag=a1",
    "To: <sip:bob@example.com>",
    "Call-ID: bench-2k@192.0.2.10",
    "CSeq: 1 INVITE",
    "Contact: <sip:alice@192.0.2.10:5060>",
    "Content-Type: application/sdp",
    `Content-Length: ${sdp.length}`,
  ];
  const base = head.join("\r\n").length + 2 + "X-Pad: \r\n\r\n".length + sdp.length;
  head.splice(9, 0, `X-Pad: ${"p".repeat(Math.max(0, 2048 - base))}`);
  return `${head.join("\r\n")}\r\n\r\n${sdp}`;
}
const MSG2K = message2k();

async function load(base) {
  const dir = mkdtempSync(join(tmpdir(), "siplens-bench-"));
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    if (network) {
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Network.enable");
      const bytesPerSecond = (network[0] * 1e6) / 8;
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: network[1], downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond });
    }
    await page.goto(`${base}/www/`);
    await page.waitForSelector("html[data-ready=true]", { timeout: 60000 });
    const m = await page.evaluate(() => {
      const mark = performance.getEntriesByName("siplens-rendered")[0];
      const wasm = performance.getEntriesByType("resource").filter((r) => r.name.endsWith(".wasm"));
      return {
        firstResult: mark ? mark.startTime : null,
        wasmEnd: wasm.length ? Math.max(...wasm.map((r) => r.responseEnd)) : null,
        wasmBytes: wasm.reduce((n, r) => n + r.transferSize, 0),
        wasmFiles: wasm.map((r) => r.name.replace(/^.*\//, "")),
      };
    });
    // Typing: the whole 2 KB message as one `input` event, then the render the debounce schedules.
    const before = await page.getAttribute("#result", "data-seq");
    await page.evaluate((text) => {
      const box = document.getElementById("message");
      box.value = text;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }, MSG2K);
    await page.waitForFunction((b) => document.getElementById("result").getAttribute("data-seq") !== b, before, { timeout: 10000 });
    m.typeRender = Number(await page.getAttribute("#result", "data-render-ms"));
    return m;
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (!s.length) return null;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const servers = [];
const variants = [];
for (const [name, dir, compress] of [["baseline", baselineDir, false], ["split", root, true], ["split-plain", root, false]]) {
  const server = await serve(dir, { port: 0, compress });
  servers.push(server);
  variants.push({ name, base: `http://127.0.0.1:${server.address().port}`, loads: [] });
}

const load0 = loadavg()[0];
try {
  for (const v of variants) await load(v.base); // warm the OS file cache and Chromium's binary once
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const r = await load(v.base);
      v.loads.push(r);
      console.log(`${v.name.padEnd(12)} load ${String(i + 1).padStart(2)}: first result ${r.firstResult?.toFixed(0)} ms (wasm done ${r.wasmEnd?.toFixed(0)} ms, ${r.wasmBytes} B over the wire: ${r.wasmFiles.join(", ")}); 2 KB typed → ${r.typeRender.toFixed(1)} ms`);
    }
  }
} finally {
  for (const s of servers) s.close();
}

const summary = variants.map((v) => {
  const fr = v.loads.map((l) => l.firstResult);
  return {
    variant: v.name,
    loads: v.loads.length,
    firstResultMedian: median(fr),
    firstResultMin: Math.min(...fr),
    firstResultMax: Math.max(...fr),
    wasmDoneMedian: median(v.loads.map((l) => l.wasmEnd)),
    wasmBytes: median(v.loads.map((l) => l.wasmBytes)),
    typeRenderMedian: median(v.loads.map((l) => l.typeRender)),
  };
});
console.log(`\nChromium, cold loads (new profile each), ${network ? `${network[0]} Mbit/s, ${network[1]} ms latency` : "loopback"}, ${runs} per variant, interleaved; load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`);
console.log("| variant | first result, median (min–max) | wasm downloaded, median | wasm bytes on the wire | 2 KB typed → rendered, median |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const s of summary) {
  console.log(`| ${s.variant} | ${s.firstResultMedian.toFixed(0)} ms (${s.firstResultMin.toFixed(0)}–${s.firstResultMax.toFixed(0)}) | ${s.wasmDoneMedian?.toFixed(0)} ms | ${s.wasmBytes} | ${s.typeRenderMedian.toFixed(1)} ms |`);
}
const [b, sp] = summary;
console.log(`split / baseline, first result: ${(sp.firstResultMedian / b.firstResultMedian).toFixed(2)}× (goal: ≤ 300 ms)`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ runs, network, loadavg: [load0, loadavg()[0]], summary, variants }, null, 2) + "\n");
