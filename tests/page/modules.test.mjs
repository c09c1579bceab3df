// The page's two wasm modules, in Debian's Chromium (playwright-core) against scripts/serve.mjs:
// a cold load fetches the core module only (compressed, `application/wasm`) and shows the first
// result with it; the Codes view needs nothing more; the trace module is fetched once, the first
// time a trace is pasted. Also the server's headers for each Accept-Encoding.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const EXECUTABLE = process.env.CHROMIUM ?? "/usr/bin/chromium";

let server;
let base;
let ctx;
let dir;

before(async () => {
  ({ server, base } = await startServer(root));
  dir = mkdtempSync(join(tmpdir(), "siplens-chromium-"));
  ctx = await chromium.launchPersistentContext(dir, { executablePath: EXECUTABLE, args: ARGS, headless: true });
});

after(async () => {
  await ctx?.close();
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the server sends each .wasm precompressed, with its type, by Accept-Encoding", async () => {
  for (const name of ["siplens_bg.wasm", "siplens_trace_bg.wasm"]) {
    const raw = readFileSync(join(root, "pkg", name));
    const url = `${base}/pkg/${name}`;
    for (const [accept, encoding, decodeBody] of [
      ["gzip, deflate, br", "br", brotliDecompressSync],
      ["gzip", "gzip", gunzipSync],
      ["br;q=0, gzip", "gzip", gunzipSync],
      ["identity", null, (b) => b],
    ]) {
      // node's fetch would decompress; read the wire bytes with http instead.
      const { headers, body } = await new Promise((resolve, reject) => {
        import("node:http").then(({ get }) =>
          get(url, { headers: { "Accept-Encoding": accept } }, (res) => {
            const parts = [];
            res.on("data", (c) => parts.push(c));
            res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
          }).on("error", reject),
        );
      });
      assert.equal(headers["content-type"], "application/wasm", `${name} ${accept}`);
      assert.equal(headers["content-encoding"], encoding ?? undefined, `${name} ${accept}`);
      assert.equal(headers.vary, "Accept-Encoding");
      assert.equal(Number(headers["content-length"]), body.length);
      if (encoding) assert.equal(body.length, statSync(join(root, "pkg", `${name}.${encoding === "br" ? "br" : "gz"}`)).size);
      assert.ok(decodeBodyEquals(decodeBody(body), raw), `${name} ${accept}: the bytes decompress to the module`);
    }
  }
});

function decodeBodyEquals(a, b) {
  return Buffer.compare(Buffer.from(a), b) === 0;
}

test("a cold load uses the core module only; the trace module loads with the first trace", async () => {
  const wasm = [];
  const page = await ctx.newPage();
  page.on("response", async (r) => {
    if (r.url().endsWith(".wasm")) wasm.push({ name: r.url().replace(/^.*\//, ""), headers: await r.allHeaders() });
  });
  await page.goto(`${base}/www/`);
  await page.waitForSelector("html[data-ready=true]");
  await page.waitForSelector("#summary .code");
  assert.deepEqual(wasm.map((w) => w.name), ["siplens_bg.wasm"]);
  assert.equal(wasm[0].headers["content-encoding"], "br");
  assert.equal(wasm[0].headers["content-type"], "application/wasm");
  assert.equal(await page.getAttribute("html", "data-trace-module"), null);

  // A single message typed, and the Codes view: still the core alone.
  await page.fill("#message", "SIP/2.0 503 Service Unavailable\r\nCSeq: 1 INVITE\r\nRetry-After: 30\r\n\r\n");
  await page.press("#message", "Control+Enter");
  await page.waitForFunction(() => document.querySelector("#summary .code")?.textContent === "503");
  await page.goto(`${base}/www/#view=codes`);
  await page.waitForSelector("#code-list a, #code-list button, #code-list li");
  await page.goto(`${base}/www/#view=compare`);
  assert.deepEqual([...new Set(wasm.map((w) => w.name))], ["siplens_bg.wasm"]);
  assert.equal(await page.getAttribute("html", "data-trace-module"), null);

  // A trace: the page fetches the trace module, once, and shows the trace.
  await page.goto(`${base}/www/`);
  await page.waitForSelector("html[data-ready=true]");
  const trace = [
    "OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-m1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: modules-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-m1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\nCall-ID: modules-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
  ].join("");
  await page.fill("#message", trace);
  await page.press("#message", "Control+Enter");
  await page.waitForSelector("#trace-result:not([hidden])");
  assert.equal(await page.getAttribute("html", "data-trace-module"), "ready");
  assert.equal(wasm.filter((w) => w.name === "siplens_trace_bg.wasm").length, 1);
  assert.match(await page.textContent("#status"), /^Decoded a trace: /);
  // A second trace reuses the loaded module.
  await page.fill("#message", trace.replace(/modules-1/g, "modules-2"));
  await page.press("#message", "Control+Enter");
  await page.waitForFunction(() => /Decoded a trace: /.test(document.getElementById("status").textContent));
  assert.equal(wasm.filter((w) => w.name === "siplens_trace_bg.wasm").length, 1);
  await page.close();
});
