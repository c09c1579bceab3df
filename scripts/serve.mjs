// The static server of `make serve` (and of the page tests and `make bench-page`): serves a
// directory (the crate root, so /www/ and /pkg/ resolve) with node's http module, no
// dependency. A file with a precompressed sibling (`x.wasm.br`, `x.wasm.gz`, written by
// `scripts/pkg.mjs`) is sent compressed when the request's Accept-Encoding allows it, brotli
// first, with `Content-Encoding`, `Vary: Accept-Encoding` and the type of the uncompressed
// file (`application/wasm`, which streaming compilation requires).
// Usage: node scripts/serve.mjs [--root DIR] [--host 127.0.0.1] [--port 8080] [--no-compress]
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".pcap": "application/vnd.tcpdump.pcap",
  ".pcapng": "application/octet-stream",
};
const ENCODINGS = [
  ["br", ".br"],
  ["gzip", ".gz"],
];

function fileAt(path) {
  try {
    const st = statSync(path);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

/** Whether an Accept-Encoding value allows `name` (listed, and not with `q=0`). */
function accepts(header, name) {
  return header.split(",").some((item) => {
    const [token, ...params] = item.split(";").map((x) => x.trim().toLowerCase());
    const q = params.find((x) => x.startsWith("q="));
    return token === name && !(q && Number(q.slice(2)) === 0);
  });
}

/**
 * A request handler serving `root`. `compress: false` ignores the precompressed files (what a
 * plain static server such as `python3 -m http.server` does).
 */
export function handler(root, { compress = true } = {}) {
  root = resolve(root);
  return (req, res) => {
    let url;
    try {
      url = new URL(req.url, "http://localhost");
    } catch {
      res.writeHead(400).end();
      return;
    }
    let rel;
    try {
      rel = normalize(decodeURIComponent(url.pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    let path = join(root, rel);
    if (path !== root && !path.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (url.pathname.endsWith("/")) path = join(path, "index.html");
    else if (!fileAt(path) && fileAt(join(path, "index.html"))) {
      res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    const st = fileAt(path);
    if (!st || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(st ? 405 : 404, { "Content-Type": "text/plain; charset=utf-8" }).end(st ? "method not allowed\n" : "not found\n");
      return;
    }
    const headers = { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream", "Cache-Control": "no-cache" };
    let send = path;
    let size = st.size;
    const accepted = String(req.headers["accept-encoding"] ?? "");
    if (compress) {
      for (const [name, ext] of ENCODINGS) {
        const cst = fileAt(path + ext);
        if (!cst) continue;
        headers.Vary = "Accept-Encoding";
        if (!accepts(accepted, name)) continue;
        headers["Content-Encoding"] = name;
        send = path + ext;
        size = cst.size;
        break;
      }
    }
    headers["Content-Length"] = String(size);
    res.writeHead(200, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(send).pipe(res);
  };
}

/** Starts a server on `root`; resolves to the http.Server once it listens. */
export function serve(root, { host = "127.0.0.1", port = 8080, compress = true } = {}) {
  const server = createServer(handler(root, { compress }));
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolveServer(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
  };
  const root = opt("--root", ".");
  const host = opt("--host", "127.0.0.1");
  const port = Number(opt("--port", "8080"));
  const compress = !args.includes("--no-compress");
  const server = await serve(root, { host, port, compress });
  const { port: p } = server.address();
  console.log(`siplens: serving ${resolve(root)} on http://${host}:${p}/ (precompressed .br/.gz ${compress ? "on" : "off"}; the page is /www/; Ctrl-C stops)`);
}
