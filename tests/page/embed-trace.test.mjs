// www/embed.html's <siplens-trace> in Debian's Chromium (playwright-core), served by the same
// static server as the page (make serve): the trace in the attribute decodes under the page's CSP,
// the call list and ladder show, selecting an arrow decodes that message (the same object as the
// Node entry's decodeTrace gives), markup in a trace stays text, and nothing leaves 127.0.0.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { decodeTrace } from "../../pkg/trace-node.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const shots = join(root, "target/screenshots");
const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";
let server;
let base;
let ctx;
let dir;
const offHost = [];

before(async () => {
  ({ server, base } = await startServer(root));
  dir = mkdtempSync(join(tmpdir(), "siplens-embed-trace-"));
  ctx = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"], viewport: { width: 1200, height: 900 } });
  await ctx.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if (u.hostname !== "127.0.0.1") {
      offHost.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  await ctx.addInitScript(() => {
    window.__csp = [];
    window.__traces = [];
    window.__selects = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    document.addEventListener("siplens-trace", (e) => window.__traces.push(e.detail.messages.length));
    document.addEventListener("siplens-select", (e) => window.__selects.push(e.detail.index));
  });
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await ctx?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("embed.html: <siplens-trace> decodes its attribute, selects a message, keeps markup as text", async () => {
  const p = await ctx.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  await p.goto(`${base}/www/embed.html`);
  await p.waitForFunction(() => window.__traces.length >= 1);
  const t = await p.evaluate(() => document.getElementById("trace").result);
  const text = await p.evaluate(() => document.getElementById("trace").text);
  assert.deepEqual(t, decodeTrace(text));
  assert.equal(t.messages.length, 4);
  assert.equal(await p.locator("#trace g.arrow").count(), 4);
  assert.equal(await p.locator("#trace table.dialogs tbody tr").count(), t.dialogs.length);
  assert.match(await p.locator('#trace td[data-role="final-code"]').first().textContent(), /^486 Busy Here/);
  await p.locator('#trace g.arrow[data-index="2"]').click();
  await p.waitForFunction(() => window.__selects.includes(2));
  await p.waitForFunction(() => document.getElementById("trace").shadowRoot.querySelector("siplens-decoder").result?.status?.code === 486);
  // Markup in a pasted trace is text, never elements.
  await p.evaluate(() => { document.getElementById("trace").text = 'SIP/2.0 603 <img src=x onerror=alert(1)>\r\nCSeq: 1 INVITE\r\nCall-ID: <b>x</b>\r\n\r\n'; });
  await p.waitForFunction(() => window.__traces.length >= 2);
  await p.evaluate(() => { document.getElementById("trace").selected = 0; });
  await p.waitForFunction(() => document.getElementById("trace").shadowRoot.querySelector("siplens-decoder").result?.status?.code === 603);
  const injected = await p.evaluate(() => {
    const root = document.getElementById("trace").shadowRoot;
    return root.querySelectorAll("img, b").length + root.querySelector("siplens-decoder").shadowRoot.querySelectorAll("img, b").length;
  });
  assert.equal(injected, 0);
  await p.screenshot({ path: join(shots, "embed-trace.png"), fullPage: true });
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(errors, []);
  assert.deepEqual(offHost, []);
  await p.close();
});
