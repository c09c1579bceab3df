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
  assert.ok(files.some((f) => /^siplens_trace_bg-.*\.wasm$/.test(f)), `no trace wasm asset in ${files}`);
  // The entry chunk (index-…); the trace module is a chunk of its own (siplens_trace-…).
  const entry = files.find((f) => f.endsWith(".js") && f.startsWith("index"));
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
  // Only now, asked for a trace, the app loads the trace module and its .wasm.
  const two = "OPTIONS sip:a@example.com SIP/2.0\r\nCSeq: 1 OPTIONS\r\nCall-ID: v2\r\n\r\nSIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\nCall-ID: v2\r\n\r\n";
  assert.equal(await globalThis.siplensViteTrace(two), 2);
  assert.equal(fetched.length, 2);
  assert.match(fetched[1], /siplens_trace_bg-.*\.wasm$/);
  // siplens/stream bundled, on the trace module already loaded: messages as they complete, and
  // the same Trace as decodeTrace.
  const s = await globalThis.siplensViteStream();
  assert.deepEqual(s.streamed, ["OPTIONS", "200 OK (OPTIONS)"]);
  assert.equal(s.streamEqual, true);
  assert.equal(s.direct, 2);
  assert.equal(fetched.length, 2);
});
