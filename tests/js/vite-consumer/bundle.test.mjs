// Runs the Vite bundle in Node as a browser would: fetch() of the emitted .wasm
// (a file: URL here, served by a tiny fetch shim), then the app's own calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const assets = fileURLToPath(new URL("./dist/assets/", import.meta.url));

test("the bundle emits the .wasm as an asset and runs", async () => {
  const files = readdirSync(assets);
  assert.ok(files.some((f) => /^siplens_bg-.*\.wasm$/.test(f)), `no wasm asset in ${files}`);
  const entry = files.find((f) => f.endsWith(".js"));
  const fetched = [];
  globalThis.fetch = async (url) => {
    fetched.push(String(url));
    return new Response(readFileSync(new URL(url)), { headers: { "content-type": "application/wasm" } });
  };
  await import(pathToFileURL(assets + entry).href);
  assert.equal(fetched.length, 1);
  assert.match(fetched[0], /siplens_bg-.*\.wasm$/);
  const r = globalThis.siplensViteResult;
  assert.deepEqual([r.code, r.afterSeconds, r.reason], [503, 30, "Busy Here"]);
  assert.match(r.version, /^\d+\.\d+\.\d+/);
  assert.equal(r.decode, "TypeError: decode: text must be a string, got a number");
  assert.equal(r.decodeBytes, "TypeError: decodeBytes: bytes must be a Uint8Array or an ArrayBuffer, got a string");
  // siplens/stream bundled: messages as they complete, and the same Trace as decodeTrace.
  assert.deepEqual(r.streamed, ["OPTIONS", "200 OK (OPTIONS)"]);
  assert.equal(r.streamEqual, true);
  assert.equal(r.direct, 2);
});
