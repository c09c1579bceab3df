// <siplens-decoder> as a host meets it: the Vite bundle of this app (`import "siplens/element"`
// from the packed tarball) served from 127.0.0.1 with the CSP and MIME type the package README
// asks for, driven in Debian's Chromium (playwright-core from the crate's node_modules, never a
// downloaded browser). Screenshots go to target/screenshots/element-*.png.
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

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

let server;
let base;
let browser;
let userDir;

before(async () => {
  if (skip) return;
  // /strict/… is the same app under a CSP that forgets 'wasm-unsafe-eval'.
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const strict = url.pathname.startsWith("/strict/");
    const rel = normalize(decodeURIComponent(url.pathname.replace(/^\/strict\//, "/"))).replace(/^\/+/, "") || "index.html";
    const file = join(dist, rel);
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": MIME[extname(file)] ?? "application/octet-stream",
      "content-security-policy": strict ? CSP.replace(" 'wasm-unsafe-eval'", "") : CSP,
    });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
  const { chromium } = createRequire(join(root, "package.json"))("playwright-core");
  userDir = mkdtempSync(join(tmpdir(), "siplens-element-"));
  browser = await chromium.launchPersistentContext(userDir, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 900, height: 900 },
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

async function open(path = "/", scheme = "light") {
  const p = await browser.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  await p.emulateMedia({ colorScheme: scheme });
  await p.goto(`${base}${path}`);
  await p.waitForFunction(() => window.__events?.filter((e) => e.type === "siplens-decoded").length >= 3);
  return { p, errors };
}

/** Evaluates fn(element) in the page (through CDP, so the page's CSP does not apply to it). */
const inShadow = (p, id, fn) => p.locator(`#${id}`).evaluate(fn);

test("the bundled element decodes under the strict CSP: attribute line ends, exact property text, no event without a message", { skip }, async () => {
  const { p, errors } = await open();
  const events = await p.evaluate(() => window.__events);
  assert.deepEqual(events.filter((e) => e.id !== "prop").map((e) => [e.type, e.id, e.detail]).sort(), [["siplens-decoded", "attr", "response"], ["siplens-decoded", "early", "response"]]);
  // A property set before the element was defined is taken over on upgrade.
  assert.equal(await p.evaluate(() => document.getElementById("early").result.status.code), 180);
  assert.equal(await p.evaluate(() => Object.prototype.hasOwnProperty.call(document.getElementById("early"), "message")), false);
  assert.ok(events.some((e) => e.id === "prop" && e.type === "siplens-decoded"));
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  assert.deepEqual(errors, []);
  // The attribute: `\r\n` escapes and real line ends both became CR LF, so no line-end finding.
  const attr = await p.evaluate(() => document.getElementById("attr").result);
  assert.equal(attr.status.code, 486);
  assert.deepEqual(attr.findings.filter((f) => f.severity !== "info").map((f) => f.id), []);
  assert.equal(await p.evaluate(() => document.getElementById("attr").message.split("\r\n").length), 9);
  // The property: exact text; the `\n` inside the Warning's quoted text is not a line end.
  const prop = await p.evaluate(() => ({ message: document.getElementById("prop").message, expected: window.PROP_MESSAGE, d: document.getElementById("prop").result }));
  assert.equal(prop.message, prop.expected);
  const warning = prop.d.headers.find((h) => h.canonicalName === "Warning");
  assert.equal(warning.value, '399 pcscf.ims.example.com "C:\\new\\node overloaded"');
  assert.equal(prop.d.headers.length, 8);
  assert.equal(await inShadow(p, "prop", (el, root = el.shadowRoot) => root.querySelector("pre.raw").textContent), prop.expected);
  // No message yet: nothing rendered, no event; result null.
  assert.equal(await inShadow(p, "empty", (el, root = el.shadowRoot) => root.querySelector("[part=result]").childElementCount), 0);
  assert.equal(await p.evaluate(() => document.getElementById("empty").result), null);
  // An empty message set as the property: siplens-error, shown as text.
  await p.evaluate(() => { document.getElementById("empty").message = "  "; });
  await p.waitForFunction(() => window.__events.some((e) => e.type === "siplens-error"));
  assert.equal(await inShadow(p, "empty", (el, root = el.shadowRoot) => root.querySelector(".error").textContent), "empty input: no SIP message");
  // A later attribute wins over the property.
  await p.evaluate(() => document.getElementById("prop").setAttribute("message", "OPTIONS sip:bob@ims.example.com SIP/2.0\\r\\nCSeq: 7 OPTIONS\\r\\n\\r\\n"));
  await p.waitForFunction(() => document.getElementById("prop").result?.kind === "request");
  assert.equal(await p.evaluate(() => document.getElementById("prop").result.cseq.seq), 7);
  await p.close();
});

test("raw view: pointing at a header or a finding highlights its bytes; fields have separators", { skip }, async () => {
  const { p } = await open();
  const raw = await inShadow(p, "prop", (el, root = el.shadowRoot) => ({ part: root.querySelector("pre.raw")?.getAttribute("part"), marks: root.querySelectorAll("pre.raw mark").length }));
  assert.deepEqual(raw, { part: "raw", marks: 0 });
  const text = await p.evaluate(() => window.PROP_MESSAGE);
  const d = await p.evaluate(() => document.getElementById("prop").result);
  const bytes = Buffer.from(text);
  // Hover each header row: the mark holds exactly that header's bytes.
  for (const i of [0, 7]) {
    await p.locator(`#prop tr[data-header="${i}"]`).hover();
    const mark = await inShadow(p, "prop", (el, root = el.shadowRoot) => root.querySelector("pre.raw mark")?.textContent);
    const span = d.headers[i].span;
    assert.equal(mark, bytes.subarray(span.start, span.end).toString(), `header ${i}`);
  }
  // Keyboard: focusing a finding highlights its span.
  await inShadow(p, "prop", (el, root = el.shadowRoot) => root.querySelector("li.finding").focus());
  const mark = await inShadow(p, "prop", (el, root = el.shadowRoot) => root.querySelector("pre.raw mark")?.textContent);
  const f = d.findings[0].span;
  assert.equal(mark, bytes.subarray(f.start, f.end).toString());
  // Field lists: "name=value;" between fields.
  const seps = await inShadow(p, "prop", (el, root = el.shadowRoot) => {
    const dl = root.querySelector("dl.fields");
    const dts = [...dl.querySelectorAll("dt")];
    const dds = [...dl.querySelectorAll("dd")];
    const after = (el) => getComputedStyle(el, "::after").content;
    return { n: dts.length, dt: after(dts[0]), dd: after(dds[0]), last: after(dds[dds.length - 1]) };
  });
  assert.ok(seps.n >= 2, JSON.stringify(seps));
  assert.deepEqual([seps.dt, seps.dd, seps.last], ['"="', '";"', "none"]);
  await p.locator("#prop tr[data-header='7']").hover();
  await p.screenshot({ path: join(shots, "element-light.png"), fullPage: true });
  await p.locator("#prop table.headers").screenshot({ path: join(shots, "element-headers.png") });
  await p.locator("#prop pre.raw").screenshot({ path: join(shots, "element-raw.png") });
  await p.close();
});

test("dark theme: prefers-color-scheme, the theme attribute both ways, host custom properties win", { skip }, async () => {
  const bg = (p, id) => p.evaluate((id) => getComputedStyle(document.getElementById(id)).backgroundColor, id);
  const light = await open("/", "light");
  assert.equal(await bg(light.p, "attr"), "rgb(255, 255, 255)");
  await light.p.evaluate(() => { document.getElementById("attr").theme = "dark"; });
  assert.equal(await light.p.evaluate(() => document.getElementById("attr").getAttribute("theme")), "dark");
  assert.equal(await bg(light.p, "attr"), "rgb(13, 17, 23)");
  await light.p.close();
  const dark = await open("/", "dark");
  assert.equal(await bg(dark.p, "attr"), "rgb(13, 17, 23)");
  const fg = await dark.p.evaluate(() => getComputedStyle(document.getElementById("attr")).color);
  assert.equal(fg, "rgb(230, 237, 243)");
  await dark.p.evaluate(() => document.getElementById("prop").setAttribute("theme", "light"));
  assert.equal(await bg(dark.p, "prop"), "rgb(255, 255, 255)");
  await dark.p.evaluate(() => document.getElementById("attr").style.setProperty("--siplens-bg", "rgb(1, 2, 3)"));
  assert.equal(await bg(dark.p, "attr"), "rgb(1, 2, 3)");
  await dark.p.evaluate(() => document.getElementById("attr").style.removeProperty("--siplens-bg"));
  await dark.p.screenshot({ path: join(shots, "element-dark.png") });
  // compact: summary only, no raw view.
  await dark.p.evaluate(() => { document.getElementById("attr").compact = true; });
  await dark.p.waitForFunction(() => !document.getElementById("attr").shadowRoot.querySelector("pre.raw"));
  assert.equal(await dark.p.evaluate(() => document.getElementById("attr").hasAttribute("compact")), true);
  assert.deepEqual(await dark.p.evaluate(() => window.__csp), []);
  await dark.p.close();
});

test("a CSP without 'wasm-unsafe-eval': siplens-error says what the host must allow", { skip }, async () => {
  const p = await browser.newPage();
  await p.goto(`${base}/strict/index.html`);
  await p.waitForFunction(() => window.__events?.some((e) => e.type === "siplens-error"));
  const message = await p.evaluate(() => window.__events.find((e) => e.type === "siplens-error").detail);
  assert.match(message, /^could not load siplens_bg\.wasm \(.+\); serve it as application\/wasm and allow 'wasm-unsafe-eval' in the CSP script-src$/);
  assert.equal(await inShadow(p, "attr", (el, root = el.shadowRoot) => root.querySelector(".error")?.getAttribute("role")), "alert");
  await p.close();
});
