// siplens page: one wiring file (element handles, a handlers table) plus pure render functions.
// Message text reaches the DOM only through textContent, never innerHTML.
import init, * as siplens from "../pkg/siplens.js";

const el = {
  message: document.getElementById("message"),
  decode: document.getElementById("decode"),
  status: document.getElementById("status"),
  output: document.getElementById("output"),
};

/** The output text for one message: decode() when the module exports it, else a placeholder. */
function renderResult(text) {
  if (typeof siplens.decode === "function") {
    return JSON.stringify(siplens.decode(text), null, 2);
  }
  return renderPlaceholder(text);
}

/**
 * Until the core exports decode(), show what the module does export, proving it loaded.
 * The status-code match below is a stand-in for decode() and goes away with it.
 */
function renderPlaceholder(text) {
  const lines = [
    `siplens ${siplens.version()}: the WebAssembly module is loaded.`,
    "Full decoding (decode) is not in this build yet.",
  ];
  const statusLine = /^SIP\/2\.0 (\d{3})\b/.exec(text.trimStart());
  if (statusLine) {
    const code = Number(statusLine[1]);
    lines.push(`Status ${code}: ${siplens.statusClass(code)}.`);
  }
  return lines.join("\n");
}

function renderError(err) {
  return `Error: ${err instanceof Error ? err.message : String(err)}`;
}

const handlers = {
  decode() {
    try {
      el.output.textContent = renderResult(el.message.value);
    } catch (err) {
      el.output.textContent = renderError(err);
    }
  },
  keydown(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      handlers.decode();
    }
  },
};

el.decode.addEventListener("click", handlers.decode);
el.message.addEventListener("keydown", handlers.keydown);

try {
  await init();
  el.status.textContent = `siplens ${siplens.version()} ready (Ctrl+Enter decodes).`;
  el.decode.disabled = false;
  handlers.decode();
} catch (err) {
  el.status.textContent = `Could not load the WebAssembly module (${renderError(err)}). Build it with "make serve".`;
}
