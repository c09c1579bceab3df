// End-to-end tests of the page (www/) and the <siplens-decoder> element in Debian's Chromium,
// driven by playwright-core (never a downloaded browser), against scripts/serve.mjs (as `make serve`) on
// 127.0.0.1 serving the crate root. Also: security (HTML/JS payloads stay text, every request
// stays on 127.0.0.1, zero CSP violations), the trace view (ladder, capture file input, drop,
// exports), redaction (with Redact on, no original identifier is shown, shared or exported; the
// alias map renders markup as text), axe-core, screenshots in target/screenshots/, and
// two timings (printed and written to target/screenshots/perf.json; not asserted).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { startServer } from "./server.mjs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { EXAMPLES } from "../../www/examples.js";
import { inflateRawSync } from "node:zlib";
import { decode, decodeTrace, decodeCapture, redact } from "../../pkg/trace-node.js";
import { CLASS_LABELS, findingOrder } from "../../www/render.js";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));
const shots = join(root, "target/screenshots");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";

let server;
let base;
let context;
let page;
const dirs = [];
const offHost = [];
const consoleErrors = [];
const dialogs = [];
const perf = {};

/** A fresh persistent context (own user-data-dir) that records CSP violations, dialogs, errors and hosts. */
async function newContext(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "siplens-chromium-"));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, args: ARGS, headless: true, viewport: { width: 1280, height: 900 }, ...options });
  await ctx.route("**/*", (route) => {
    const u = new URL(route.request().url());
    if ((u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ws:") && u.hostname !== "127.0.0.1") {
      offHost.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  await ctx.addInitScript(() => {
    window.__csp = [];
    window.__decoded = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    document.addEventListener("siplens-decoded", (e) => window.__decoded.push(e.detail.status?.code ?? null));
  });
  ctx.on("page", watch);
  for (const p of ctx.pages()) watch(p);
  return ctx;
}

function watch(p) {
  p.on("console", (m) => {
    if (m.type() === "error" || /Content Security Policy|Refused to/.test(m.text())) consoleErrors.push(m.text());
  });
  p.on("pageerror", (e) => consoleErrors.push(String(e)));
  p.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
}

async function openPage(ctx, hash = "") {
  const p = ctx.pages()[0] && !ctx.pages()[0].url().startsWith("http") ? ctx.pages()[0] : await ctx.newPage();
  await p.goto(`${base}/www/${hash}`);
  await p.waitForSelector("html[data-ready=true]");
  return p;
}

const seqOf = (p) => p.getAttribute("#result", "data-seq");
async function waitNewResult(p, before) {
  await p.waitForFunction((b) => document.getElementById("result").getAttribute("data-seq") !== b, before);
}

async function pickExample(p, id) {
  const before = await seqOf(p);
  await p.selectOption("#example", id);
  await waitNewResult(p, before);
}

async function typeMessage(p, text) {
  const before = await seqOf(p);
  await p.fill("#message", text);
  await p.press("#message", "Control+Enter");
  await waitNewResult(p, before);
}

/** The viewport point of the character at string index `idx` of the raw view (any text node). */
function pointAt(p, idx) {
  return p.evaluate((i) => {
    const raw = document.getElementById("raw");
    raw.scrollIntoView({ block: "center" });
    const w = document.createTreeWalker(raw, NodeFilter.SHOW_TEXT);
    let at = 0;
    for (let t = w.nextNode(); t; t = w.nextNode()) {
      if (i < at + t.data.length) {
        const r = document.createRange();
        r.setStart(t, i - at);
        r.setEnd(t, i - at + 1);
        r.startContainer.parentElement.scrollIntoView({ block: "nearest" });
        const b = r.getBoundingClientRect();
        return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
      }
      at += t.data.length;
    }
    throw new Error("index past the raw text");
  }, idx);
}

const utf8Slice = (text, span) => Buffer.from(text, "utf8").subarray(span.start, span.end).toString("utf8");

before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ server, base } = await startServer(root));
  context = await newContext();
  const t0 = Date.now();
  page = await openPage(context);
  await page.waitForSelector("#summary .code");
  perf.firstResultMs = await page.evaluate(() => performance.getEntriesByName("siplens-rendered")[0].startTime);
  perf.firstResultWallMs = Date.now() - t0;
});

after(async () => {
  await context?.close();
  server?.kill();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  writeFileSync(join(shots, "perf.json"), JSON.stringify(perf, null, 2) + "\n");
  console.log(`siplens page timings: ${JSON.stringify(perf)}`);
});

test("the root redirects to the page, keeping the fragment (/#code=580)", async () => {
  const p = await context.newPage();
  await p.goto(`${base}/`);
  await p.waitForURL(/\/www\/$/);
  await p.goto(`${base}/#code=580`);
  await p.waitForURL(/\/www\/#code=580$/);
  await p.waitForSelector("html[data-ready=true]");
  await p.waitForSelector("#code-page-h");
  assert.match(await p.textContent("#code-page-h"), /^580 /);
  await p.close();
});

test("first screen at 1400×1000: the result is in view, the raw message wide and unwrapped, the diagnosis beside it", async () => {
  const p = await context.newPage();
  await p.setViewportSize({ width: 1400, height: 1000 });
  await p.goto(`${base}/www/`);
  await p.waitForSelector("html[data-ready=true]");
  await p.waitForSelector("#summary .code");
  const box = async (sel) => p.locator(sel).first().boundingBox();
  const summary = await box("#summary");
  assert.ok(summary.y < 500, `the summary starts at y=${summary.y}`);
  const raw = await box("#raw");
  const side = await box("#result .side");
  const diag = await box("[aria-label=Diagnosis]");
  assert.ok(raw.y < 1000 && diag.y < 1000, `raw at ${raw.y}, diagnosis at ${diag.y}`);
  assert.ok(raw.x < side.x && Math.abs(raw.y - side.y) < 120, "findings and diagnosis sit beside the raw message");
  assert.ok(Math.abs(diag.x - side.x) < 2, "the diagnosis is in that column");
  assert.ok(raw.width > 600, `the raw message is wide (${raw.width} px)`);
  assert.equal(await p.evaluate(() => getComputedStyle(document.getElementById("raw")).whiteSpace), "pre");
  // The Redact explanation is folded away until asked for.
  assert.ok(!(await p.isVisible("#redact-help")));
  await p.click(".redact-about > summary");
  assert.ok(await p.isVisible("#redact-help"));
  await p.click(".redact-about > summary");
  await p.screenshot({ path: join(shots, "first-screen-1400x1000.png") });
  await p.close();
});

test("input state: the Example menu, the box and the source line follow what is decoded", async () => {
  const p = await context.newPage();
  await p.goto(`${base}/www/`);
  await p.waitForSelector("html[data-ready=true]");
  assert.equal(await p.inputValue("#example"), EXAMPLES[0].id);
  assert.equal(await p.textContent("#source"), `Example: ${EXAMPLES[0].title}`);
  // Typing or pasting: the menu goes back to its placeholder, the source says so.
  const before = await seqOf(p);
  await p.fill("#message", EXAMPLES[3].text);
  await p.press("#message", "Control+Enter");
  await waitNewResult(p, before);
  assert.equal(await p.inputValue("#example"), "");
  assert.equal(await p.textContent("#source"), "Your text");
  // A capture: the box is emptied (it no longer shows what is decoded), file name and size shown.
  await pickExample(p, EXAMPLES[1].id);
  const b2 = await seqOf(p);
  await p.getByLabel("Open capture").setInputFiles(CAPTURE);
  await waitNewResult(p, b2);
  assert.equal(await p.inputValue("#example"), "");
  assert.equal(await p.inputValue("#message"), "");
  assert.match(await p.textContent("#source"), /^Capture: sip_ipv6_udp\.pcap \(\d+(\.\d)? (kB|bytes)\)$/);
  await p.close();
});

test("phone width (390×844): no page scrolling sideways, the header table stacks, the ladder scrolls in its box under a sticky header", async () => {
  const p = await context.newPage();
  await p.setViewportSize({ width: 390, height: 844 });
  await p.goto(`${base}/www/`);
  await p.waitForSelector("html[data-ready=true]");
  await p.waitForSelector("#summary .code");
  const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok((await overflow()) <= 1, "no horizontal page scroll");
  const clip = await p.evaluate(() => {
    const t = document.querySelector("table.headers");
    return t.scrollWidth - t.clientWidth;
  });
  assert.ok(clip <= 1, `the header table fits (${clip} px over)`);
  await p.screenshot({ path: join(shots, "phone-390-decode.png"), fullPage: true });
  const before = await seqOf(p);
  await p.fill("#message", traceFixture("sngrep.txt"));
  await p.press("#message", "Control+Enter");
  await waitNewResult(p, before);
  assert.ok((await overflow()) <= 1, "no horizontal page scroll with a trace");
  const wrap = p.locator("#ladder-svg");
  const sticky = await p.evaluate(() => {
    const w = document.getElementById("ladder-svg");
    w.scrollTop = 120;
    const head = w.querySelector("svg.ladder-head").getBoundingClientRect();
    return { headTop: head.top, wrapTop: w.getBoundingClientRect().top, scrolls: w.scrollWidth > w.clientWidth || w.scrollHeight > w.clientHeight };
  });
  assert.ok(Math.abs(sticky.headTop - sticky.wrapTop) <= 2, `the participant header stays on top (${sticky.headTop} vs ${sticky.wrapTop})`);
  assert.ok(await wrap.isVisible());
  await p.evaluate(() => (document.getElementById("ladder-svg").scrollTop = 0));
  await p.locator("#ladder").screenshot({ path: join(shots, "phone-390-ladder.png") });
  await p.screenshot({ path: join(shots, "phone-390-trace.png"), fullPage: true });
  await p.close();
});

test("every example: code, class, headline and first likely cause", async () => {
  for (const ex of EXAMPLES) {
    await pickExample(page, ex.id);
    const d = decode(ex.text);
    const code = d.status ? (d.status.code === null ? "???" : String(d.status.code)) : d.request.method;
    assert.equal(await page.textContent("#summary [data-role=code]"), code, ex.id);
    if (d.status) assert.equal(await page.textContent("#summary [data-role=class]"), CLASS_LABELS[d.status.class], ex.id);
    assert.equal(await page.textContent("#summary [data-role=headline]"), d.diagnosis.headline, ex.id);
    if (d.diagnosis.likelyCauses.length) {
      assert.equal(await page.textContent("[aria-label=Diagnosis] .cause .cause-text >> nth=0"), d.diagnosis.likelyCauses[0].text, ex.id);
    }
    assert.equal(await page.locator("[aria-label=Findings] .finding").count(), d.findings.length, ex.id);
  }
});

test("clicking a finding, evidence or header highlights exactly its bytes (UTF-8 aware)", async () => {
  for (const ex of EXAMPLES) {
    const d = decode(ex.text);
    if (!d.findings.length) continue;
    await pickExample(page, ex.id);
    await page.click("[aria-label=Findings] .finding >> nth=0");
    const f = d.findings[findingOrder(d.findings)[0]]; // errors first
    assert.equal(await page.getAttribute("[aria-label=Findings] .finding >> nth=0", "data-finding"), String(findingOrder(d.findings)[0]));
    assert.equal(await page.textContent("#raw mark"), utf8Slice(ex.text, f.span), ex.id);
  }
  // Non-ASCII input: the From header of the 500 example ("Zoë Ångström").
  const ex = EXAMPLES.find((e) => e.id === "invite-500");
  const d = decode(ex.text);
  await pickExample(page, ex.id);
  const i = d.headers.findIndex((x) => x.canonicalName === "From");
  await page.click(`tr[data-header="${i}"]`);
  const marked = await page.textContent("#raw mark");
  assert.equal(marked, utf8Slice(ex.text, d.headers[i].span));
  assert.ok(marked.includes("Zoë Ångström"));
  // The header after it is highlighted exactly too (offsets past multi-byte characters).
  await page.focus(`tr[data-header="${i + 1}"]`);
  await page.keyboard.press("Enter");
  assert.equal(await page.textContent("#raw mark"), utf8Slice(ex.text, d.headers[i + 1].span));
  assert.equal(await page.getAttribute(`tr[data-header="${i + 1}"]`, "aria-current"), "true");
  // Evidence of a likely cause.
  const aka = EXAMPLES.find((e) => e.id === "register-401-aka");
  const da = decode(aka.text);
  await pickExample(page, aka.id);
  await page.click("[aria-label=Diagnosis] .evidence .span-link >> nth=0");
  assert.equal(await page.textContent("#raw mark"), utf8Slice(aka.text, da.diagnosis.likelyCauses[0].evidence[0].span));
});

test("clicking in the raw view selects the header or finding at that offset", async () => {
  const ex = EXAMPLES.find((e) => e.id === "invite-500");
  const d = decode(ex.text);
  await pickExample(page, ex.id);
  const i = d.headers.findIndex((x) => x.canonicalName === "CSeq");
  const index = ex.text.indexOf("CSeq: 7") + 2;
  const box = await pointAt(page, index);
  await page.mouse.click(box.x, box.y);
  assert.ok(await page.locator(`tr[data-header="${i}"].selected`).count(), "the CSeq row is selected");
  assert.equal(await page.textContent("#raw mark"), utf8Slice(ex.text, d.headers[i].span));
  // A finding wins over its header.
  const bad = EXAMPLES.find((e) => e.id === "malformed-colon");
  const db = decode(bad.text);
  await pickExample(page, bad.id);
  const fIndex = bad.text.indexOf("This line");
  const fb = await pointAt(page, fIndex + 3);
  await page.mouse.click(fb.x, fb.y);
  assert.ok(await page.locator(`[data-finding="0"].selected`).count(), "the finding is selected");
  assert.equal(await page.textContent("#raw mark"), utf8Slice(bad.text, db.findings[0].span));
});

test("HTML/JS payloads render as text and run nothing", async () => {
  const payloads = [
    'SIP/2.0 486 <img src=x onerror="alert(1)">\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\nFrom: "\\"><script>alert(2)</script>" <sip:a@example.com>;tag=1\r\nTo: <javascript:alert(3)>;tag=2\r\nCall-ID: <svg onload=alert(4)>\r\nCSeq: 1 INVITE\r\nWarning: 399 x "<iframe src=javascript:alert(5)>"\r\nReason: Q.850;cause=17;text="<b onmouseover=alert(6)>x</b>"\r\nContent-Type: text/html\r\nContent-Length: 48\r\n\r\n<script>alert(7)</script><img src=x onerror=alert(8)>',
    'INVITE javascript:alert(9) SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: "<img src=x onerror=alert(10)>" <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nX-Evil: "><script>alert(11)</script>\r\nContent-Length: 0\r\n\r\n',
  ];
  const count = () => page.evaluate(() => document.querySelectorAll("script, img, svg, iframe, b, object, embed").length);
  const baseline = await count();
  for (const text of payloads) {
    await typeMessage(page, text);
    assert.equal(await count(), baseline, "no new elements from the payload");
    assert.equal(await page.textContent("#raw"), text, "the raw view shows the text as text");
    const d = decode(text);
    if (d.status) assert.equal(await page.textContent("#summary [data-role=reason]"), d.status.reasonPhrase);
    await page.hover("[aria-label=Findings] .finding >> nth=0").catch(() => {});
    for (const row of await page.locator("tr[data-header]").all()) await row.hover();
  }
  assert.deepEqual(dialogs, []);
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
});

test("non-SIP input: with the package's triage(), the page says what was pasted and decodes the SIP read out of it", async () => {
  const has = await page.evaluate(async () => typeof (await import("../pkg/siplens_trace.js")).triage === "function");
  const sip = EXAMPLES.find((e) => e.id === "invite-486").text;
  const hex = [...Buffer.from(sip)].reduce((out, b, i) => out + (i % 16 === 0 ? `${i ? "\n" : ""}${i.toString(16).padStart(4, "0")}  ` : " ") + b.toString(16).padStart(2, "0"), "");
  if (!has) {
    // Without triage the page is unchanged: it decodes what it was given.
    await typeMessage(page, "hello world");
    assert.ok(await page.isHidden("#triage"));
    return;
  }
  // No SIP in it: the page says what it is and decodes nothing.
  await page.fill("#message", "hello world");
  await page.press("#message", "Control+Enter");
  await page.waitForSelector("#triage:not([hidden])");
  assert.ok((await page.textContent("#triage")).length > 10);
  assert.match(await page.textContent("#status"), /^Nothing to decode: /);
  assert.ok(await page.isHidden("#result"));
  // A hex dump of a SIP message: the SIP read out of it is decoded, and the note says so.
  await page.fill("#message", hex);
  await page.evaluate(() => (document.getElementById("status").textContent = ""));
  await page.press("#message", "Control+Enter");
  await page.waitForFunction(() => /read out of it|Nothing to decode/.test(document.getElementById("triage").textContent + document.getElementById("status").textContent));
  if (/read out of it/.test(await page.textContent("#triage"))) {
    await page.waitForSelector("#result:not([hidden])");
    assert.equal(await page.textContent("#summary [data-role=code]"), "486");
  }
});

test("a large message (> 64 KB) decodes in the worker", async () => {
  const body = "a=x-filler:" + "0123456789".repeat(7000) + "\r\n";
  const text = `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@c>;tag=2\r\nCall-ID: big\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  await typeMessage(page, text);
  assert.equal(await page.textContent("#summary [data-role=code]"), "200");
  perf.largeMessageBytes = text.length;
  perf.largeMessageMs = Number(await page.getAttribute("#result", "data-render-ms"));
});

test("timing: input to render for a 2 KB message", async () => {
  let text = EXAMPLES.find((e) => e.id === "invite-183").text;
  const [head, rest] = [text.slice(0, text.indexOf("\r\n") + 2), text.slice(text.indexOf("\r\n") + 2)];
  let pad = "";
  for (let i = 0; pad.length + text.length < 2048; i++) pad += `X-Pad-${i}: ${"p".repeat(40)}\r\n`;
  text = head + pad + rest;
  perf.typedMessageBytes = Buffer.byteLength(text);
  await page.fill("#message", text.slice(0, -1));
  await page.waitForTimeout(300);
  const runs = [];
  const direct = [];
  for (let i = 0; i < 5; i++) {
    // Typing: the 'input' event, the 150 ms debounce, decode, render.
    runs.push(
      await page.evaluate(
        (t) =>
          new Promise((resolve) => {
            const r = document.getElementById("result");
            const before = r.getAttribute("data-seq");
            const m = document.getElementById("message");
            const t0 = performance.now();
            new MutationObserver((_, obs) => {
              if (r.getAttribute("data-seq") !== before) {
                obs.disconnect();
                resolve(performance.now() - t0);
              }
            }).observe(r, { attributes: true });
            m.value = t;
            m.dispatchEvent(new Event("input", { bubbles: true }));
          }),
        text + (i % 2 ? "" : " "),
      ),
    );
    direct.push(Number(await page.getAttribute("#result", "data-render-ms")));
  }
  runs.sort((a, b) => a - b);
  direct.sort((a, b) => a - b);
  perf.inputToRenderMedianMs = Number(runs[2].toFixed(1));
  perf.decodeAndRenderMedianMs = direct[2];
});

test("code browser: search, open a code's page", async () => {
  await page.goto(`${base}/www/#view=codes`);
  await page.waitForSelector("html[data-ready=true]");
  await page.waitForSelector("#code-list .code-group");
  await page.fill("#code-search", "busy");
  const text = await page.textContent("#code-list");
  assert.ok(text.includes("486") && text.includes("600"));
  assert.ok(!text.includes("Unauthorized"));
  await page.click("#code-list a[data-code='486']");
  await page.waitForSelector("#code-page-h");
  assert.equal(await page.textContent("#code-page-h"), "486 Busy Here");
  assert.ok((await page.textContent("#code-page")).includes("Causes"));
  // Words anywhere on a code's page.
  await page.fill("#code-search", "retry-after");
  assert.ok(await page.locator("#code-list a[data-code='503']").count(), "503 names Retry-After");
  await page.fill("#code-search", "");
  await page.screenshot({ path: join(shots, "codes.png"), fullPage: false });
  // The Q.850, Warning and Reason lists: the package's, or "not available in this build".
  for (const kind of ["q850", "warning", "reason"]) {
    await page.selectOption("#code-kind", kind);
    await page.waitForSelector(`#code-list [data-kind='${kind}']`);
    const n = Number(await page.getAttribute(`#code-list [data-kind='${kind}']`, "data-count"));
    const unavailable = await page.locator("#code-list [data-role=unavailable]").count();
    assert.ok(n > 0 || unavailable === 1, kind);
  }
  await page.selectOption("#code-kind", "q850");
  await page.fill("#code-search", "busy");
  await page.locator("#view-codes").screenshot({ path: join(shots, "codes-q850.png") });
  await page.fill("#code-search", "");
  await page.selectOption("#code-kind", "sip");
  // An unknown code is not titled with its class's name.
  await page.goto(`${base}/www/#code=499`);
  await page.waitForSelector("#code-page-h");
  assert.notEqual(await page.textContent("#code-page-h"), "499 Bad Request");
});

test("compare two codes side by side", async () => {
  await page.goto(`${base}/www/#view=compare`);
  await page.waitForSelector("html[data-ready=true]");
  await page.fill("#cmp-a", "480");
  await page.fill("#cmp-b", "486");
  await page.click("#compare");
  await page.waitForFunction(() => document.getElementById("cmp-h")?.textContent.startsWith("480"));
  assert.equal(await page.textContent("#cmp-h"), "480 Temporarily Unavailable vs 486 Busy Here");
  assert.ok(await page.locator("table.compare tbody tr").count() >= 4);
  assert.match(await page.textContent("[data-role=bottom-line]"), /^Bottom line: Both are 4xx request failure/);
  await page.screenshot({ path: join(shots, "compare.png"), fullPage: true });
});

test("share link round-trip: the message travels in the fragment", async () => {
  await page.goto(`${base}/www/`);
  await page.waitForSelector("html[data-ready=true]");
  const ex = EXAMPLES.find((e) => e.id === "invite-500");
  await pickExample(page, ex.id);
  await page.click("#share");
  await page.waitForFunction(() => document.getElementById("share-link").value.includes("#m="));
  const link = await page.inputValue("#share-link");
  assert.ok(link.startsWith(`${base}/www/#m=`));
  const p2 = await context.newPage();
  await p2.goto(link);
  await p2.waitForSelector("html[data-ready=true]");
  assert.equal(await p2.inputValue("#message"), ex.text.replace(/\r\n/g, "\n")); // a textarea shows LF
  assert.equal(await p2.textContent("#raw"), ex.text); // the exact bytes were decoded
  assert.equal(await p2.textContent("#summary [data-role=code]"), "500");
  assert.equal(await p2.textContent("#summary [data-role=headline]"), decode(ex.text).diagnosis.headline);
  await p2.close();
});

test("downloads: HTML report has no script and escapes the message; Markdown", async () => {
  await typeMessage(page, 'SIP/2.0 486 <img src=x onerror=alert(1)>\r\nCSeq: 1 INVITE\r\nCall-ID: d\r\n\r\n');
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-html")]);
  const html = await (await import("node:fs/promises")).readFile(await dl.path(), "utf8");
  assert.ok(!/<script/i.test(html));
  assert.ok(!html.includes("<img"));
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.match(html, /<head><style>body\{/);
  const [md] = await Promise.all([page.waitForEvent("download"), page.click("#download-md")]);
  const mdText = await (await import("node:fs/promises")).readFile(await md.path(), "utf8");
  assert.ok(mdText.startsWith("# siplens report"));
});

test("theme toggle: switches and persists", async () => {
  await page.goto(`${base}/www/`);
  await page.waitForSelector("html[data-ready=true]");
  const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.click("#theme");
  const theme = await page.getAttribute("html", "data-theme");
  assert.ok(theme === "dark" || theme === "light");
  const afterBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(afterBg, before);
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  assert.equal(await page.getAttribute("html", "data-theme"), theme);
  await page.screenshot({ path: join(shots, `decode-${theme}.png`), fullPage: true });
  await page.click("#theme");
  await page.screenshot({ path: join(shots, `decode-${theme === "dark" ? "light" : "dark"}.png`), fullPage: true });
});

test("360 px wide: no horizontal scrolling", async () => {
  const p = await context.newPage();
  await p.setViewportSize({ width: 360, height: 800 });
  await p.goto(`${base}/www/`);
  await p.waitForSelector("html[data-ready=true]");
  const { scroll, client } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  await p.screenshot({ path: join(shots, "decode-360px.png"), fullPage: true });
  assert.ok(scroll <= client + 1, `scrollWidth ${scroll} > ${client}`);
  await p.close();
});

test("embedding: <siplens-decoder> renders under the CSP, is themeable, fires siplens-decoded", async () => {
  const p = await context.newPage();
  await p.goto(`${base}/www/embed.html`);
  await p.waitForFunction(() => window.__decoded.length >= 2);
  const full = await p.evaluate(() => document.getElementById("full").shadowRoot.textContent);
  assert.ok(full.includes("503") && full.includes("Diagnosis") && full.includes("Findings"));
  const compact = await p.evaluate(() => document.getElementById("compact").shadowRoot.textContent);
  assert.ok(compact.includes("486") && !compact.includes("Findings"));
  const bg = await p.evaluate(() => getComputedStyle(document.getElementById("compact")).backgroundColor);
  assert.equal(bg, "rgb(16, 20, 26)");
  assert.deepEqual((await p.evaluate(() => window.__decoded)).sort(), [486, 503]);
  // Changing the attribute re-decodes; markup stays text.
  await p.evaluate(() => document.getElementById("compact").setAttribute("message", 'SIP/2.0 603 <img src=x onerror=alert(1)>\r\nCSeq: 1 INVITE\r\n\r\n'));
  await p.waitForFunction(() => window.__decoded.includes(603));
  assert.equal(await p.evaluate(() => document.getElementById("compact").shadowRoot.querySelectorAll("img").length), 0);
  assert.equal(await p.evaluate(() => window.__csp.length), 0);
  await p.screenshot({ path: join(shots, "embed.png"), fullPage: true });
  await p.close();
});

// ---- traces and captures ------------------------------------------------------------------

const traceFixture = (name) => readFileSync(join(root, "tests/fixtures/traces", name), "utf8");
const CAPTURE = join(root, "tests/fixtures/captures/sip_ipv6_udp.pcap");
const readDownload = async (dl) => (await import("node:fs/promises")).readFile(await dl.path(), "utf8");

test("a pasted multi-message trace shows the ladder, dialogs and flow findings", async () => {
  const text = traceFixture("sngrep.txt");
  await typeMessage(page, text);
  const ladder = page.getByRole("region", { name: "Ladder" });
  assert.ok(await ladder.isVisible());
  assert.ok(await page.isHidden("#result"));
  const trace = decodeTrace(text);
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), trace.messages.length);
  assert.equal(await page.locator("#ladder-svg g.participant").count(), 2);
  assert.equal(await page.locator("#ladder-svg svg.ladder").getAttribute("role"), "group");
  assert.equal(await page.locator("[aria-label=Calls] tr[data-dialog]").count(), trace.dialogs.length);
  assert.equal(await page.textContent("[aria-label=Calls] tr[data-dialog='0'] [data-role=state]"), trace.dialogs[0].state);
  assert.ok(await page.getByRole("region", { name: "Flow findings" }).isVisible());
  await page.screenshot({ path: join(shots, "trace-ladder.png"), fullPage: true });
  // Every trace fixture: one arrow per message.
  for (const f of readdirSync(join(root, "tests/fixtures/traces"))) {
    await typeMessage(page, traceFixture(f));
    assert.equal(await page.locator("#ladder-svg g.arrow").count(), decodeTrace(traceFixture(f)).messages.length, f);
  }
});

test("clicking an arrow shows that message's single-message decode", async () => {
  await typeMessage(page, traceFixture("sngrep.txt"));
  assert.ok(await page.isVisible("#trace-message-empty"));
  await page.click("#ladder-svg g.arrow[data-index='1']");
  assert.ok(await page.isVisible("#trace-message"));
  assert.ok(await page.isHidden("#trace-message-empty"));
  assert.equal(await page.textContent("#trace-message-h"), "Message 2: 100 Trying (INVITE)");
  // The decode sits beside the ladder at this width.
  const lb = await page.locator("#ladder").boundingBox();
  const mb = await page.locator("#trace-message").boundingBox();
  assert.ok(mb.x > lb.x + lb.width - 2, "the selected message is beside the ladder");
  assert.equal(await page.textContent("#trace-message-body [data-role=code]"), "100");
  assert.equal(await page.textContent("#trace-message-body [data-role=reason]"), "Trying");
  assert.ok(await page.locator("#trace-message-body [aria-label=Diagnosis]").isVisible());
  assert.match(await page.textContent("#trace-message-body pre.raw"), /^SIP\/2\.0 100 Trying/);
  // The keyboard works too.
  await page.focus("#ladder-svg g.arrow[data-index='0']");
  await page.keyboard.press("Enter");
  assert.equal(await page.textContent("#trace-message-body [data-role=code]"), "INVITE");
  assert.equal(await page.getAttribute("#ladder-svg g.arrow[data-index='0']", "aria-pressed"), "true");
});

test("trace navigation: the call list filters the ladder; finding links select messages; reports and one call export", async () => {
  const invite = (id, tag) => `INVITE sip:bob@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nFrom: <sip:alice@b>;tag=${tag}\r\nTo: <sip:bob@d>\r\n\r\n`;
  const resp = (id, tag, code) => `SIP/2.0 ${code}\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK${id}\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\nFrom: <sip:alice@b>;tag=${tag}\r\nTo: <sip:bob@d>;tag=x${id}\r\n\r\n`;
  const text = invite("call-one", 1) + resp("call-one", 1, "486 Busy Here") + invite("call-two", 2) + resp("call-two", 2, "200 OK");
  const trace = decodeTrace(text);
  await typeMessage(page, text);
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), 4);
  // Search, then filter by outcome.
  await page.fill("#dialog-search", "call-two");
  assert.equal(await page.locator("[aria-label=Calls] tbody tr:not([hidden])").count(), 1);
  await page.fill("#dialog-search", "");
  await page.selectOption("#dialog-outcome", "failed");
  assert.equal(await page.locator("[aria-label=Calls] tbody tr:not([hidden])").count(), 1);
  assert.equal(await page.textContent("[aria-label=Calls] tbody tr:not([hidden]) [data-role=final-code]"), "486 Busy Here");
  await page.selectOption("#dialog-outcome", "");
  // Selecting a dialog shows it alone.
  const two = trace.dialogs.find((d) => d.callId === "call-two");
  await page.click(`[aria-label=Calls] tr[data-dialog='${two.id}'] .dialog-pick`);
  assert.deepEqual(await page.locator("#ladder-svg g.arrow").evaluateAll((gs) => gs.map((g) => g.getAttribute("data-index"))), two.messages.map(String));
  assert.match(await page.textContent("#ladder-scope"), /^Dialog \d+ alone \(2 messages; Call-ID call-two\)\.$/);
  assert.equal(await page.getAttribute(`[aria-label=Calls] tr[data-dialog='${two.id}']`, "aria-current"), "true");
  const [call] = await Promise.all([page.waitForEvent("download"), page.click("#export-call")]);
  const callTxt = await readDownload(call);
  assert.match(callTxt, /^# siplens: dialog \d+ \(Call-ID call-two\), 2 messages/);
  assert.ok(callTxt.includes("SIP/2.0 200 OK") && !callTxt.includes("486 Busy Here"));
  assert.ok(await page.isHidden("#export-call-pcap"), "no packets to export from pasted text");
  await page.click("#ladder-all");
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), 4);
  // Time and Δt rows, numbered from 1.
  assert.deepEqual(await page.locator("#ladder-svg .arrow-num").allTextContents(), ["1", "2", "3", "4"]);
  // Reports.
  const [md] = await Promise.all([page.waitForEvent("download"), page.click("#trace-md")]);
  const mdText = await readDownload(md);
  assert.ok(mdText.startsWith("# siplens trace report: 4 messages"));
  assert.ok(mdText.includes("call-two") && mdText.includes("## Ladder"));
  const [html] = await Promise.all([page.waitForEvent("download"), page.click("#trace-html")]);
  const htmlText = await readDownload(html);
  assert.ok(!/<script/i.test(htmlText));
  assert.match(htmlText, /<head><style>body\{/);
  assert.ok(htmlText.includes("call-two"));
  // A finding's message link selects that message: a REGISTER challenged three times (SL405).
  const reg = (b, cseq, auth = "") => `REGISTER sip:ims.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK${b}\r\nMax-Forwards: 70\r\nFrom: <sip:alice@ims.example.com>;tag=r1\r\nTo: <sip:alice@ims.example.com>\r\nCall-ID: reg-1\r\nCSeq: ${cseq} REGISTER\r\nContact: <sip:alice@10.0.0.1:5060>\r\n${auth}Expires: 600000\r\nContent-Length: 0\r\n\r\n`;
  const ch = (b, cseq) => `SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK${b}\r\nFrom: <sip:alice@ims.example.com>;tag=r1\r\nTo: <sip:alice@ims.example.com>;tag=s1\r\nCall-ID: reg-1\r\nCSeq: ${cseq} REGISTER\r\nWWW-Authenticate: Digest realm="ims.example.com", nonce="abc", algorithm=MD5\r\nContent-Length: 0\r\n\r\n`;
  const auth = 'Authorization: Digest username="alice", realm="ims.example.com", nonce="abc", uri="sip:ims.example.com", response="00"\r\n';
  const loop = reg("a", 1) + ch("a", 1) + reg("b", 2, auth) + ch("b", 2) + reg("c", 3, auth) + ch("c", 3);
  const lt = decodeTrace(loop);
  const finding = [...lt.captureFindings, ...lt.findings].find((x) => x.messages.length > 2);
  assert.ok(finding, "the auth loop fires a flow finding naming messages");
  await typeMessage(page, loop);
  const i = finding.messages[2];
  await page.click(`[aria-label="Flow findings"] button[data-msg='${i}']`);
  await page.waitForFunction((n) => document.getElementById("trace-message-body").getAttribute("data-index") === String(n), i);
  assert.match(await page.textContent("#trace-message-h"), new RegExp(`^Message ${i + 1}: `));
  assert.equal(await page.getAttribute(`#ladder-svg g.arrow[data-index='${i}']`, "aria-pressed"), "true");
  await page.screenshot({ path: join(shots, "trace-finding-link.png"), fullPage: false });
});

test("exports: Mermaid sequenceDiagram text and the SVG as built", async () => {
  await typeMessage(page, traceFixture("sngrep.txt"));
  const [mmd] = await Promise.all([page.waitForEvent("download"), page.click("#export-mermaid")]);
  const text = await readDownload(mmd);
  assert.ok(text.startsWith("sequenceDiagram"));
  assert.match(text, /p1->>p2: 1 INVITE/);
  const [svgDl] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
  const svg = await readDownload(svgDl);
  assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(!/<script/i.test(svg));
  assert.equal((svg.match(/<g class="arrow /g) ?? []).length, 7);
});

test("open a capture with the file input: ladder and dialog list, decoded in the worker", async () => {
  const trace = decodeCapture(readFileSync(CAPTURE));
  const before = await seqOf(page);
  await page.getByLabel("Open capture").setInputFiles(CAPTURE);
  await waitNewResult(page, before);
  assert.ok(await page.getByRole("region", { name: "Ladder" }).isVisible());
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), trace.messages.length);
  assert.equal(await page.locator("#ladder-svg g.participant").count(), 2);
  assert.equal(await page.locator("[aria-label=Calls] tr[data-dialog]").count(), trace.dialogs.length);
  assert.match(await page.textContent("#trace-summary"), /pcap capture/);
  await page.click("#ladder-svg g.arrow[data-index='0']");
  assert.equal(await page.textContent("#trace-message-body [data-role=code]"), "INVITE");
  await page.screenshot({ path: join(shots, "trace-capture.png"), fullPage: true });
  // With a trace loaded: nothing left 127.0.0.1, no CSP violation.
  assert.deepEqual(offHost, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
});

test("IPsec ESP keys: typed CK/IK open the SIP inside ESP; the keys go nowhere else", async () => {
  const ESP = join(root, "tests/fixtures/esp/esp_aes_ipv4_udp_nokeys.pcap");
  const CK = "00112233445566778899aabbccddeeff";
  const IK = "0f0e0d0c0b0a09080706050403020100";
  const p = await openPage(await newContext());
  let before = await seqOf(p);
  await p.getByLabel("Open capture").setInputFiles(ESP);
  await waitNewResult(p, before);
  assert.equal(await p.locator("#ladder-svg g.arrow").count(), 2);
  await p.click(".esp-keys > summary");
  await p.getByLabel("CK", { exact: true }).fill(CK);
  await p.getByLabel("IK", { exact: true }).fill(IK);
  before = await seqOf(p);
  await p.getByLabel("Open capture").setInputFiles(ESP);
  await waitNewResult(p, before);
  assert.equal(await p.locator("#ladder-svg g.arrow").count(), 8);
  // Each protected message says which SA opened it.
  assert.match(await p.getAttribute("#ladder-svg g.arrow[data-index='2']", "aria-label"), /read out of IPsec ESP 0x00002002 aes-cbc\/hmac-sha-1-96 ✓ \(SA negotiated in frame 2, keys given\)/);
  assert.match(await p.textContent("#ladder-svg g.arrow[data-index='2'] .arrow-label"), /· ESP$/);
  const html = await p.content();
  const url = p.url();
  for (const key of [CK, IK]) {
    assert.ok(!url.includes(key), "a key in the URL");
    assert.ok(!html.replace(/value="[^"]*"/g, "").includes(key), "a key in the page outside its field");
  }
  await p.context().close();
});

test("a capture message: raw text, exact highlighting, share link and the message view", async () => {
  const trace = decodeCapture(readFileSync(CAPTURE));
  const m = trace.messages[0];
  let before = await seqOf(page);
  await page.getByLabel("Open capture").setInputFiles(CAPTURE);
  await waitNewResult(page, before);
  await page.click("#ladder-svg g.arrow[data-index='0']");
  assert.equal(await page.textContent("#trace-raw"), m.raw);
  // A header highlights exactly its bytes of the raw text. The keyboard selects it, with the
  // pointer parked outside the content: a hover highlights too, and the selection scrolls.
  await page.mouse.move(0, 0);
  const pick = async (i) => {
    await page.focus(`#trace-message-body [data-header="${i}"]`);
    await page.keyboard.press("Enter");
  };
  const hd = m.decoded.headers.findIndex((x) => x.canonicalName === "Call-ID");
  const span = m.decoded.headers[hd].span;
  await pick(hd);
  assert.equal(await page.getAttribute("#trace-raw", "data-highlight"), `${span.start}-${span.end}`);
  assert.equal(await page.textContent("#trace-raw mark"), utf8Slice(m.raw, span));
  // Clicking a byte of the raw text selects the header there.
  const from = m.decoded.headers.findIndex((x) => x.canonicalName === "From");
  await pick(from);
  assert.equal(await page.textContent("#trace-raw mark"), utf8Slice(m.raw, m.decoded.headers[from].span));
  const at = await page.evaluate((i) => {
    // The viewport point of UTF-16 index i of the raw text, scrolled into view (the page, then
    // the raw view's own scrolling box).
    const pre = document.getElementById("trace-raw");
    const w = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let t = w.nextNode(); t; t = w.nextNode()) {
      if (i < seen + t.data.length) {
        const r = document.createRange();
        r.setStart(t, i - seen);
        r.setEnd(t, i - seen + 1);
        pre.scrollTop += r.getBoundingClientRect().top - pre.getBoundingClientRect().top - 8;
        pre.scrollIntoView({ block: "center" });
        const b = r.getBoundingClientRect();
        return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
      }
      seen += t.data.length;
    }
    return null;
  }, utf8Slice(m.raw, { start: 0, end: span.start + 2 }).length);
  await page.mouse.click(at.x, at.y);
  // (The selected item is scrolled into view, so the pointer may then hover, and highlight,
  // another header: the selection is what the click decides.)
  assert.equal(await page.locator(`#trace-message-body [data-header="${hd}"].selected`).count(), 1);
  assert.equal(await page.locator("#trace-message-body .selected").count(), 1);
  // Share: the link carries this message alone.
  await page.click("#trace-message-body button[data-action=share]");
  await page.waitForFunction(() => document.getElementById("share-link").value.includes("#m="));
  const link = await page.inputValue("#share-link");
  const p2 = await context.newPage();
  await p2.goto(link);
  await p2.waitForSelector("html[data-ready=true]");
  await p2.waitForFunction(() => document.getElementById("raw").textContent.length > 0);
  assert.equal(await p2.textContent("#raw"), m.raw);
  assert.equal(await p2.textContent("#summary [data-role=code]"), "INVITE");
  await p2.close();
  // Open in the message view: the single-message view decodes the same bytes.
  before = await seqOf(page);
  await page.click("#trace-message-body button[data-action=open]");
  await waitNewResult(page, before);
  assert.ok(await page.isVisible("#result"));
  assert.ok(await page.isHidden("#trace-result"));
  assert.equal(await page.textContent("#raw"), m.raw);
  assert.equal(await page.textContent("#summary [data-role=code]"), "INVITE");
});

test("drop a capture on the page", async () => {
  await typeMessage(page, EXAMPLES[0].text);
  const before = await seqOf(page);
  const b64 = readFileSync(CAPTURE).toString("base64");
  await page.evaluate((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], "dropped.pcap"));
    document.body.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await waitNewResult(page, before);
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), decodeCapture(readFileSync(CAPTURE)).messages.length);
});

test("an XSS payload inside a trace message renders as text", async () => {
  const invite = "INVITE sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n";
  const evil = 'SIP/2.0 486 <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nFrom: "<svg onload=window.__xss=3>" <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nReason: SIP;cause=486;text="<b onmouseover=window.__xss=4>x</b>"\r\n\r\n';
  const count = () => page.evaluate(() => document.querySelectorAll("script, img, iframe, b, object, embed, svg svg, foreignObject").length);
  await typeMessage(page, invite + evil);
  const baseline = await count();
  assert.match(await page.textContent("#ladder-svg g.arrow[data-index='1'] .arrow-label"), /<img src=x onerror="window.__xss=1"><script>/);
  await page.click("#ladder-svg g.arrow[data-index='1']");
  assert.match(await page.textContent("#trace-message-body [data-role=reason]"), /^<img src=x/);
  assert.match(await page.textContent("[aria-label=Calls] [data-role=reason]"), /<b onmouseover/);
  assert.equal(await count(), baseline);
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  assert.deepEqual(dialogs, []);
  const [mmd] = await Promise.all([page.waitForEvent("download"), page.click("#export-mermaid")]);
  const lines = (await readDownload(mmd)).trimEnd().split("\n");
  assert.equal(lines.length, 1 + 2 + 2);
  assert.ok(lines.every((l) => !/[<>"]/.test(l.replace(/-->>|->>/, ""))));
});

// ---- redaction ----------------------------------------------------------------------------

const IMS_INVITE = [
  "INVITE tel:+12125551234;phone-context=ims.mnc001.mcc001.3gppnetwork.org SIP/2.0",
  "Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK-e2e1",
  'From: "Alice Example" <sip:001010123456789@ims.mnc001.mcc001.3gppnetwork.org>;tag=a1',
  "To: <tel:+12125551234>",
  "Call-ID: e2e-redact-1",
  "CSeq: 1 INVITE",
  "Contact: <sip:001010123456789@10.20.30.40:5060>",
  "P-Asserted-Identity: \"Alice Example\" <tel:+12125551234>",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");
const IMS_BUSY = IMS_INVITE.replace(/^INVITE [^\r]*/, "SIP/2.0 486 Busy Here").replace("To: <tel:+12125551234>", "To: <tel:+12125551234>;tag=b2").replace(/P-Asserted-Identity[^\r]*\r\n/, "");
/** What must never leave the page once Redact is on: the phone number, IMSI, IP and display name. */
const ORIGINALS = ["12125551234", "001010123456789", "10.20.30.40", "Alice Example"];
const leaked = (text) => ORIGINALS.filter((o) => text.includes(o));

/** The message in a share link's fragment, decoded as the page does (base64url, deflate-raw). */
const fragmentText = (link) => inflateRawSync(Buffer.from(new URL(link).hash.slice("#m=".length), "base64url")).toString("utf8");

async function setRedact(p, on) {
  const before = await seqOf(p);
  await (on ? p.check("#redact") : p.uncheck("#redact"));
  await waitNewResult(p, before);
}

test("Redact: the message, decode, highlighting, share link and exports use the redacted text; off restores", async () => {
  await page.goto(`${base}/www/`);
  await page.waitForSelector("html[data-ready=true]");
  assert.equal(await page.isChecked("#redact"), false, "off by default");
  assert.ok(await page.isHidden("#aliases"));
  await typeMessage(page, IMS_INVITE);
  assert.equal(await page.textContent("#raw"), IMS_INVITE);

  await setRedact(page, true);
  const red = redact(IMS_INVITE, { level: "network" });
  assert.deepEqual(leaked(red.text), []);
  // Shown: the redacted text and its decode; the box keeps the original.
  assert.equal(await page.textContent("#raw"), red.text);
  assert.deepEqual(leaked(await page.textContent("#result")), []);
  assert.equal(await page.getAttribute("#result", "data-redacted"), "network");
  assert.equal(await page.inputValue("#message"), IMS_INVITE.replace(/\r\n/g, "\n"));
  const shown = await page.textContent("#raw");
  for (const a of red.report.aliases) assert.ok(shown.includes(a.alias), a.alias);
  // Highlighting points into the redacted text.
  const d = decode(red.text);
  const i = d.headers.findIndex((x) => x.canonicalName === "From");
  await page.click(`tr[data-header="${i}"]`);
  assert.equal(await page.textContent("#raw mark"), utf8Slice(red.text, d.headers[i].span));
  // The Aliases panel: every original with its alias, marked local, counts by kind.
  const panel = page.getByRole("region", { name: /^Aliases/ });
  assert.ok(await panel.isVisible());
  assert.match(await panel.textContent(), /Stays on this machine: this map of original values is not included in share links or exports/);
  assert.equal(await page.locator("#aliases table.aliases tbody tr").count(), red.report.aliases.length);
  const originals = await page.locator("#aliases [data-role=original]").allTextContents();
  assert.deepEqual(originals, red.report.aliases.map((a) => a.original));
  assert.equal(await page.locator("#aliases table.redact-counts tbody tr").count(), red.report.kinds.filter((k) => k.replaced).length);
  assert.match(await page.textContent("#status"), /Redacted \(network\): \d+ replacements of \d+ values\./);

  // Share link: the fragment holds the redacted text; opened in a fresh page, nothing original.
  await page.click("#share");
  await page.waitForFunction(() => document.getElementById("share-link").value.includes("#m="));
  const link = await page.inputValue("#share-link");
  assert.equal(fragmentText(link), red.text);
  assert.deepEqual(leaked(decodeURIComponent(link)), []);
  assert.deepEqual(leaked(await page.evaluate(() => location.href)), []);
  const p2 = await context.newPage();
  await p2.goto(link);
  await p2.waitForSelector("html[data-ready=true]");
  assert.deepEqual(leaked(await p2.inputValue("#message")), []);
  assert.equal(await p2.textContent("#raw"), red.text);
  await p2.close();

  // Exports: JSON, HTML, Markdown.
  await page.evaluate(() => {
    navigator.clipboard.writeText = async (t) => {
      window.__clip = t;
    };
  });
  await page.click("#copy-json");
  await page.waitForFunction(() => typeof window.__clip === "string");
  const json = await page.evaluate(() => window.__clip);
  assert.deepEqual(JSON.parse(json), d);
  assert.deepEqual(leaked(json), []);
  const [html] = await Promise.all([page.waitForEvent("download"), page.click("#download-html")]);
  const htmlText = await readDownload(html);
  assert.deepEqual(leaked(htmlText), []);
  assert.match(htmlText, /Redacted \(network\): identifiers in this report are aliases/);
  const [md] = await Promise.all([page.waitForEvent("download"), page.click("#download-md")]);
  const mdText = await readDownload(md);
  assert.deepEqual(leaked(mdText), []);
  assert.ok(mdText.includes(red.text.split("\r\n")[0]));

  // Levels: identities keep addresses; the setting survives a reload.
  let before = await seqOf(page);
  await page.selectOption("#redact-level", "identities");
  await waitNewResult(page, before);
  assert.equal(await page.textContent("#raw"), redact(IMS_INVITE, { level: "identities" }).text);
  assert.ok((await page.textContent("#raw")).includes("10.20.30.40"));
  before = await seqOf(page);
  await page.selectOption("#redact-level", "all");
  await waitNewResult(page, before);
  assert.equal(await page.textContent("#raw"), redact(IMS_INVITE, { level: "all" }).text);
  await page.reload();
  await page.waitForSelector("html[data-ready=true]");
  assert.equal(await page.isChecked("#redact"), true);
  assert.equal(await page.inputValue("#redact-level"), "all");
  await page.screenshot({ path: join(shots, "decode-redacted.png"), fullPage: true });
  before = await seqOf(page);
  await page.selectOption("#redact-level", "network");
  await waitNewResult(page, before);

  // Off: the original again, no aliases.
  await typeMessage(page, IMS_INVITE);
  assert.equal(await page.textContent("#raw"), red.text);
  await setRedact(page, false);
  assert.equal(await page.textContent("#raw"), IMS_INVITE);
  assert.ok(await page.isHidden("#aliases"));
  assert.equal(await page.getAttribute("#result", "data-redacted"), null);
});

test("Redact on a trace: ladder, selected message, share link and every export hold no original", async () => {
  const text = IMS_INVITE + IMS_BUSY;
  const red = redact(text);
  assert.deepEqual(leaked(red.text), []);
  await setRedact(page, true);
  await typeMessage(page, text);
  assert.ok(await page.getByRole("region", { name: "Ladder" }).isVisible());
  assert.equal(await page.getAttribute("#trace-result", "data-redacted"), "network");
  assert.deepEqual(leaked(await page.textContent("#trace-result")), []);
  await page.click("#ladder-svg g.arrow[data-index='0']");
  assert.equal(await page.textContent("#trace-message-body pre.raw"), red.text.slice(0, red.text.indexOf("SIP/2.0 486")));
  assert.deepEqual(leaked(await page.textContent("#trace-result")), []);
  // The same value has one alias in both messages.
  const ip = red.report.aliases.find((a) => a.original === "10.20.30.40");
  assert.equal(ip.count, 4);
  assert.equal(await page.locator("#aliases table.aliases tbody tr").count(), red.report.aliases.length);
  for (const [button, check] of [["#export-svg", /<svg/], ["#export-mermaid", /^sequenceDiagram/], ["#trace-html", /Redacted \(network\)/], ["#trace-md", /Redacted \(network\)/]]) {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
    const out = await readDownload(dl);
    assert.match(out, check);
    assert.deepEqual(leaked(out), [], button);
  }
  // One call exported as text holds the redacted messages only.
  await page.click("[aria-label=Calls] tr[data-dialog='0'] .dialog-pick");
  const [call] = await Promise.all([page.waitForEvent("download"), page.click("#export-call")]);
  assert.deepEqual(leaked(await readDownload(call)), [], "#export-call");
  await page.click("#ladder-all");
  await page.evaluate(() => {
    window.__clip = undefined;
    navigator.clipboard.writeText = async (t) => {
      window.__clip = t;
    };
  });
  await page.click("#copy-json");
  await page.waitForFunction(() => typeof window.__clip === "string");
  assert.deepEqual(leaked(await page.evaluate(() => window.__clip)), []);
  await page.click("#share");
  await page.waitForFunction(() => document.getElementById("share-link").value.includes("#m="));
  assert.equal(fragmentText(await page.inputValue("#share-link")), red.text);
  await page.screenshot({ path: join(shots, "trace-redacted.png"), fullPage: true });
  // Off again: the original trace.
  await setRedact(page, false);
  await page.click("#ladder-svg g.arrow[data-index='0']");
  assert.ok((await page.textContent("#trace-message-body pre.raw")).includes("10.20.30.40"));
});

test("Redact on: a capture is redacted in the worker before it is decoded; the redacted capture downloads; off shows the original", async () => {
  await page.goto(`${base}/www/`);
  await page.waitForSelector("html[data-ready=true]");
  await setRedact(page, true);
  const original = decodeCapture(readFileSync(CAPTURE));
  // Addresses and user parts of the original capture (collected from its decode).
  const ids = new Set();
  for (const m of original.messages) {
    for (const a of [m.src, m.dst]) if (a) ids.add(a.replace(/^\[|\]:\d+$|:\d+$/g, ""));
    for (const who of [m.decoded.from, m.decoded.to]) if (who?.user && who.user.length >= 4) ids.add(who.user);
  }
  assert.ok(ids.size >= 3, [...ids].join(" "));
  const leaked = (text) => [...ids].filter((id) => text.includes(id));
  await page.getByLabel("Open capture").setInputFiles(CAPTURE);
  await page.waitForFunction(() => !document.getElementById("trace-result").hidden && /Redacted \(network\)/.test(document.getElementById("status").textContent));
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), original.messages.length);
  assert.ok(await page.isVisible("#aliases"));
  assert.deepEqual(leaked(await page.textContent("#trace-result")), []);
  // A message's raw text and its share link come from the redacted capture.
  await page.click("#ladder-svg g.arrow[data-index='0']");
  await page.waitForSelector("#trace-message-body pre.raw");
  assert.deepEqual(leaked(await page.textContent("#trace-message-body")), []);
  // The redacted capture downloads and decodes to the same messages, without the originals.
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-capture")]);
  assert.match(dl.suggestedFilename(), /-redacted\.pcap$/);
  const bytes = readFileSync(await dl.path());
  const again = decodeCapture(bytes);
  assert.equal(again.messages.length, original.messages.length);
  assert.deepEqual(leaked(bytes.toString("latin1")), []);
  // Off: the original capture, and no download button.
  await setRedact(page, false);
  assert.ok(await page.isHidden("#download-capture"));
  assert.equal(await page.locator("#ladder-svg g.arrow").count(), original.messages.length);
  await page.click("#ladder-svg g.arrow[data-index='0']");
  await page.waitForSelector("#trace-message-body pre.raw");
  assert.ok(leaked(await page.textContent("#trace-message-body")).length > 0);
});

test("markup in the alias map (display names) renders as text and runs nothing", async () => {
  const evil = [
    "MESSAGE sip:+12125551234@ims.example.net SIP/2.0",
    "Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK-x1",
    'From: "<img src=x onerror=window.__xss=1>" <sip:+12125551234@ims.example.net>;tag=1',
    "To: <sip:+12125551234@ims.example.net>",
    'P-Asserted-Identity: "<script>window.__xss=2</script><svg onload=window.__xss=3>" <tel:+12125551234>',
    "Call-ID: x1",
    "CSeq: 1 MESSAGE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  const count = () => page.evaluate(() => document.querySelectorAll("script, img, iframe, object, embed, #aliases svg").length);
  const baseline = await count();
  await typeMessage(page, evil);
  await setRedact(page, true);
  const originals = await page.locator("#aliases [data-role=original]").allTextContents();
  assert.ok(originals.includes("<img src=x onerror=window.__xss=1>"), originals.join(" | "));
  assert.ok(originals.includes("<script>window.__xss=2</script><svg onload=window.__xss=3>"));
  assert.ok(!(await page.textContent("#raw")).includes("<img"));
  for (const row of await page.locator("#aliases tr").all()) await row.hover();
  assert.equal(await count(), baseline);
  assert.equal(await page.evaluate(() => window.__xss ?? null), null);
  assert.deepEqual(dialogs, []);
  await setRedact(page, false);
});

test("Redact on a large message (> 64 KB): redacted in the worker, then decoded", async () => {
  const body = "a=x-filler:" + "0123456789".repeat(7000) + "\r\n";
  const text = IMS_INVITE.replace("Content-Length: 0\r\n\r\n", `Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  await typeMessage(page, text);
  await setRedact(page, true);
  const red = redact(text);
  assert.equal(await page.textContent("#raw"), red.text);
  assert.deepEqual(leaked(await page.textContent("#result")), []);
  assert.equal(await page.locator("#aliases table.aliases tbody tr").count(), red.report.aliases.length);
  await setRedact(page, false);
  assert.equal(await page.textContent("#raw"), text);
});

test("accessibility: axe-core finds no serious or critical violation", async () => {
  // axe is injected as a script tag, which the page's CSP (script-src 'self') would block:
  // this one context bypasses CSP, and only for this test.
  const ctx = await newContext({ bypassCSP: true });
  const axePath = require.resolve("axe-core/axe.min.js");
  const views = [
    ["decode (light)", "/www/", "light"],
    ["decode (dark)", "/www/", "dark"],
    ["trace", "/www/", "light"],
    ["redacted", "/www/", "light"],
    ["codes", "/www/#code=486", "light"],
    ["compare", "/www/#compare=486,600", "light"],
    ["embed", "/www/embed.html", "light"],
  ];
  const problems = [];
  const p = await ctx.newPage();
  for (const [name, path, scheme] of views) {
    await p.emulateMedia({ colorScheme: scheme });
    await p.goto(`${base}${path}`);
    if (path.includes("embed")) await p.waitForFunction(() => window.__decoded.length >= 2);
    else await p.waitForSelector("html[data-ready=true]");
    if (name.startsWith("decode")) await pickExample(p, "invite-486");
    if (name === "redacted") {
      await typeMessage(p, IMS_INVITE);
      await setRedact(p, true);
      await p.click(".redact-about > summary");
      await p.click(".redact-kinds summary");
    }
    if (name === "trace") {
      await typeMessage(p, traceFixture("sngrep.txt"));
      await p.click("#ladder-svg g.arrow[data-index='1']");
    }
    await p.addScriptTag({ path: axePath });
    const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical") problems.push(`${name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    }
  }
  await ctx.close();
  assert.deepEqual(problems, []);
});

test("no request left 127.0.0.1, no CSP violation, no console error", async () => {
  const csp = [];
  for (const p of context.pages()) csp.push(...(await p.evaluate(() => window.__csp).catch(() => [])));
  assert.deepEqual(offHost, []);
  assert.deepEqual(csp, []);
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(dialogs, []);
});
