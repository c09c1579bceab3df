// <siplens-trace> with a multi-megabyte capture, in Debian's Chromium (playwright-core), on
// www/embed.html served as `make serve` serves it: the element feeds the capture to a TraceStream
// in slices and yields to the page between them, so the page keeps rendering while it decodes.
// Asserted, with no timing thresholds: `siplens-progress` events come with the bytes read
// growing; requestAnimationFrame callbacks run between the first and the last of them (frames
// are drawn during the decode); the status line shows the progress; the Trace at the end is the
// same JSON (SHA-256) as the Node entry's decodeCapture of the same bytes.
// The capture is made once by bench/capture/make-big.sh (mergecap) into target/page-big/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { decodeCapture } from "../../pkg/trace-node.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const shots = join(root, "target/screenshots");
const BIG = join(root, "target/page-big/big4.pcapng");
const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";
let server;
let base;
let ctx;
let dir;
const offHost = [];

before(async () => {
  if (!existsSync(BIG)) execFileSync("bash", [join(root, "bench/capture/make-big.sh"), BIG, "4"], { stdio: "ignore" });
  ({ server, base } = await startServer(root));
  dir = mkdtempSync(join(tmpdir(), "siplens-trace-big-"));
  ctx = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"], viewport: { width: 1200, height: 900 } });
  await ctx.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== "127.0.0.1") {
      offHost.push(u.href);
      return route.abort();
    }
    // The capture, as a host page would fetch it.
    if (u.pathname === "/__big.pcapng") return route.fulfill({ status: 200, contentType: "application/octet-stream", body: readFileSync(BIG) });
    return route.continue();
  });
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await ctx?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("<siplens-trace>: a multi-MB capture decodes in slices, frames keep coming, the Trace equals decodeCapture", async (t) => {
  const bytes = readFileSync(BIG);
  assert.ok(bytes.length > 3 * 1048576, `capture is ${bytes.length} bytes`);
  const p = await ctx.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await p.goto(`${base}/www/embed.html`);
  const el = p.locator("#trace");
  await p.waitForFunction(() => document.getElementById("trace").result !== null);
  const got = await p.evaluate(async () => {
    const el = document.getElementById("trace");
    const w = window;
    w.__frames = 0;
    const frame = () => {
      w.__frames++;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const progress = [];
    const statuses = [];
    el.addEventListener("siplens-progress", (e) => {
      progress.push({ ...e.detail, frames: w.__frames });
      statuses.push(el.shadowRoot.querySelector(".status").textContent);
    });
    const bytes = new Uint8Array(await (await fetch("/__big.pcapng")).arrayBuffer());
    const done = new Promise((resolve) => el.addEventListener("siplens-trace", (e) => resolve(e.detail), { once: true }));
    el.capture = bytes;
    const trace = await done;
    const json = new TextEncoder().encode(JSON.stringify(trace));
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", json))].map((b) => b.toString(16).padStart(2, "0")).join("");
    return { progress, statuses, hash, messages: trace.messages.length, busy: el.shadowRoot.querySelector("[aria-busy]") !== null };
  });
  t.diagnostic(`${bytes.length} bytes, ${got.messages} messages; ${got.progress.length} progress events; frames at the first and last: ${got.progress[0]?.frames}, ${got.progress.at(-1)?.frames}`);
  // Progress: several slices, the bytes read growing to the whole input, messages counted.
  assert.ok(got.progress.length >= 2, `progress events: ${got.progress.length}`);
  for (let i = 1; i < got.progress.length; i++) {
    assert.ok(got.progress[i].read > got.progress[i - 1].read, "bytes read grow");
    assert.ok(got.progress[i].messages >= got.progress[i - 1].messages, "messages grow");
  }
  assert.ok(got.progress.every((x) => x.total === bytes.length && x.read < x.total));
  assert.match(got.statuses.at(-1), /^Decoding… \d+ messages?, \d+ % read$/);
  // The page rendered frames while the capture was decoding (between the first and the last slice).
  assert.ok(got.progress.at(-1).frames > got.progress[0].frames, `frames during the decode: ${JSON.stringify(got.progress.map((x) => x.frames))}`);
  assert.equal(got.busy, false);
  // The same Trace as the whole-input decode.
  const want = decodeCapture(bytes);
  assert.equal(got.messages, want.messages.length);
  assert.ok(got.messages > 1000, `${got.messages} messages`);
  assert.equal(got.hash, createHash("sha256").update(JSON.stringify(want)).digest("hex"));
  assert.match(await el.evaluate((e) => e.shadowRoot.querySelector(".status").textContent), /message/);
  await p.screenshot({ path: join(shots, "trace-element-big.png") });
  assert.deepEqual(errors, []);
  assert.deepEqual(offHost, []);
  await p.close();
});
