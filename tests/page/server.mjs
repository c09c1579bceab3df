// The static server the Chromium tests load the page from: `python3 -m http.server` on a free
// port of 127.0.0.1, serving the crate root (so /www/ and /pkg/ resolve as with `make serve`).
import { spawn } from "node:child_process";
import { createServer } from "node:net";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${url}`);
}

/** Starts the server on `root`; resolves to { server, base } once /www/ answers. */
export async function startServer(root) {
  const port = await freePort();
  const server = spawn("python3", ["-m", "http.server", "--bind", "127.0.0.1", String(port)], { cwd: root, stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  await waitForServer(`${base}/www/`);
  return { server, base };
}
