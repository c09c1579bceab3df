// <siplens-trace> as a host meets it: the Vite bundle of trace.html (`import "siplens/trace-element"`
// from the packed tarball) served from 127.0.0.1 under the CSP and MIME type the package README
// asks for, driven in Debian's Chromium (playwright-core from the crate's node_modules): paste a
// trace → call list, flow findings and ladder; click or key an arrow → that message's decode;
// pick a dialog → the ladder of that dialog; open a capture → its trace. Screenshots go to
// target/screenshots/trace-element-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = process.env.SIPLENS_ROOT;
const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";
const skip = !root ? "SIPLENS_ROOT unset" : !existsSync(EXECUTABLE) ? `no Chromium at ${EXECUTABLE} (make test-page installs it)` : false;
const dist = fileURLToPath(new URL("./dist/", import.meta.url));
const shots = root ? join(root, "target/screenshots") : tmpdir();
const fixtures = (process.env.SIPLENS_FIXTURES ?? "").split(":")[0];

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

let server;
let base;
let browser;
let userDir;

before(async () => {
  if (skip) return;
  server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^\/+/, "") || "trace.html";
    const file = join(dist, rel);
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = createRequire(join(root, "package.json"))("playwright-core");
  userDir = mkdtempSync(join(tmpdir(), "siplens-trace-element-"));
  browser = await chromium.launchPersistentContext(userDir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1100, height: 900 },
  });
  await browser.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
});

async function open() {
  const p = await browser.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  await p.goto(`${base}/trace.html`);
  await p.waitForFunction(() => window.__events?.some((e) => e.type === "siplens-trace" && e.id === "attr"));
  return { p, errors };
}

const events = (p, type) => p.evaluate((type) => window.__events.filter((e) => e.type === type), type);

test("the attribute: a display-only trace (no-input), decoded on load under the strict CSP", { skip }, async () => {
  const { p, errors } = await open();
  const r = await p.evaluate(() => document.getElementById("attr").result);
  assert.equal(r.source, "text");
  assert.equal(r.messages.length, 2);
  assert.equal(await p.locator("#attr .input").isVisible(), false);
  assert.equal(await p.locator("#attr g.arrow").count(), 2);
  // No paste yet: the first element shows only its input, and said nothing.
  assert.equal(await p.evaluate(() => document.getElementById("paste").result), null);
  assert.ok(await p.locator("#paste textarea").isVisible());
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(errors, []);
  await p.close();
});

test("paste → calls, findings, ladder; click and keyboard select a message and show its decode; a dialog alone", { skip }, async () => {
  const { p, errors } = await open();
  const text = readFileSync(join(fixtures, "traces/kamailio.txt"), "utf8");
  await p.locator("#paste textarea").fill(text);
  await p.locator("#paste button[data-action=decode]").click();
  await p.waitForFunction(() => window.__events.some((e) => e.type === "siplens-trace" && e.id === "paste"));
  const t = await p.evaluate(() => document.getElementById("paste").result);
  assert.ok(t.messages.length >= 4, String(t.messages.length));
  assert.equal(await p.locator("#paste g.arrow").count(), t.messages.length);
  assert.equal(await p.locator("#paste table.dialogs tbody tr").count(), t.dialogs.length);
  assert.ok(t.dialogs.length >= 1);
  assert.match(await p.locator("#paste [part=summary]").textContent(), new RegExp(`^${t.messages.length} messages`));
  assert.equal(await p.locator("#paste [aria-label='Flow findings']").count(), 1);
  assert.equal(await p.locator("#paste .ladder-bar").textContent(), `Ladder (${t.messages.length} messages)`);
  // Click the third arrow: siplens-select, the arrow marked, the decode shown.
  await p.locator('#paste g.arrow[data-index="2"]').click();
  await p.waitForFunction(() => window.__events.some((e) => e.type === "siplens-select"));
  assert.deepEqual((await events(p, "siplens-select")).map((e) => [e.id, e.index]), [["paste", 2]]);
  assert.equal(await p.evaluate(() => document.getElementById("paste").selected), 2);
  assert.equal(await p.locator('#paste g.arrow.selected').getAttribute("data-index"), "2");
  assert.ok(await p.locator("#paste section.decode").isVisible());
  assert.match(await p.locator("#paste section.decode > h2").textContent(), new RegExp(`^Message 3: ${t.messages[2].label.replace(/[()]/g, "\\$&")}`));
  await p.waitForFunction(() => document.getElementById("paste").shadowRoot.querySelector("siplens-decoder").result !== null);
  const inner = await p.evaluate(() => document.getElementById("paste").shadowRoot.querySelector("siplens-decoder").result);
  assert.deepEqual(inner, t.messages[2].decoded);
  // The inner decoder's own events stay inside the element.
  assert.deepEqual(await events(p, "siplens-decoded"), []);
  // Keyboard: focus the first arrow, Enter selects it.
  await p.locator('#paste g.arrow[data-index="0"]').focus();
  await p.keyboard.press("Enter");
  await p.waitForFunction(() => document.getElementById("paste").selected === 0);
  await p.screenshot({ path: join(shots, "trace-element-light.png"), fullPage: true });
  // A dialog alone in the ladder, then every message again.
  const dg = t.dialogs[0];
  await p.locator('#paste button[data-pick="0"]').click();
  await p.waitForFunction((n) => document.getElementById("paste").shadowRoot.querySelectorAll("g.arrow").length === n, dg.messages.length);
  assert.equal(await p.evaluate(() => document.getElementById("paste").dialog), 0);
  assert.equal(await p.locator('#paste tr[data-dialog="0"]').getAttribute("aria-current"), "true");
  await p.locator("#paste button[data-action=all]").click();
  await p.waitForFunction((n) => document.getElementById("paste").shadowRoot.querySelectorAll("g.arrow").length === n, t.messages.length);
  // ladder-limit: only that many arrows, and the heading says so.
  await p.evaluate(() => { document.getElementById("paste").ladderLimit = 2; });
  assert.equal(await p.locator("#paste g.arrow").count(), 2);
  assert.equal(await p.locator("#paste .ladder-bar").textContent(), `Ladder (${t.messages.length} messages, the first 2 drawn)`);
  // The call list's search box filters its rows.
  await p.locator("#paste #dialog-search").fill("no-such-call-id");
  assert.equal(await p.locator("#paste table.dialogs tbody tr:not([hidden])").count(), 0);
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(errors, []);
  await p.close();
});

test("a capture through the file picker, a text file dropped, properties set from script, errors as siplens-error", { skip }, async () => {
  const { p, errors } = await open();
  await p.locator("#paste input[type=file]").setInputFiles(join(fixtures, "captures/sip_ipv6_udp.pcap"));
  await p.waitForFunction(() => document.getElementById("paste").result?.source === "pcap");
  const t = await p.evaluate(() => document.getElementById("paste").result);
  assert.ok(t.messages.length > 0);
  assert.equal(await p.locator("#paste g.arrow").count(), t.messages.length);
  assert.equal(await p.evaluate(() => document.getElementById("paste").capture?.length > 0), true);
  // `selected` from script selects (and announces) a message.
  await p.evaluate(() => { document.getElementById("paste").selected = 1; });
  assert.ok(await p.locator("#paste section.decode").isVisible());
  // Wrong types throw TypeErrors.
  const thrown = await p.evaluate(() => {
    const el = document.getElementById("paste");
    const out = [];
    for (const f of [() => { el.text = 42; }, () => { el.capture = "pcap"; }, () => { el.selected = "1"; }, () => { el.dialog = 1.5; }]) {
      try { f(); out.push("no error"); } catch (e) { out.push(`${e.constructor.name}: ${e.message}`); }
    }
    return out;
  });
  assert.deepEqual(thrown, [
    "TypeError: siplens-trace: text must be a string, got a number",
    "TypeError: siplens-trace: capture must be a Uint8Array or an ArrayBuffer, got a string",
    "TypeError: siplens-trace: selected must be a message index (an integer) or null, got a string",
    "TypeError: siplens-trace: dialog must be a dialog index (an integer) or null, got a number",
  ]);
  // A text file dropped on the element decodes as text.
  const dropped = readFileSync(join(fixtures, "traces/sngrep.txt"), "utf8");
  await p.evaluate((text) => {
    const el = document.getElementById("paste");
    const dt = new DataTransfer();
    dt.items.add(new File([text], "call.txt", { type: "text/plain" }));
    el.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, dropped);
  await p.waitForFunction(() => document.getElementById("paste").result?.source === "text");
  assert.equal(await p.evaluate(() => document.getElementById("paste").text), dropped);
  // The paste box shows it (a textarea holds line ends as LF).
  assert.equal(await p.locator("#paste textarea").inputValue(), dropped.replace(/\r\n?/g, "\n"));
  // Decode with an empty paste box: siplens-error, shown as an alert.
  await p.evaluate(() => { document.getElementById("paste").text = "  "; });
  await p.waitForFunction(() => window.__events.some((e) => e.type === "siplens-error"));
  assert.equal(await p.locator("#paste [part=summary]").getAttribute("role"), "alert");
  assert.equal(await p.locator("#paste [part=summary]").textContent(), "empty input: no SIP message");
  assert.equal(await p.evaluate(() => document.getElementById("paste").result), null);
  // Dark theme on the attribute element: its background follows.
  assert.equal(await p.evaluate(() => getComputedStyle(document.getElementById("attr")).backgroundColor), "rgb(13, 17, 23)");
  await p.locator("#attr").screenshot({ path: join(shots, "trace-element-dark.png") });
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(errors, []);
  await p.close();
});
