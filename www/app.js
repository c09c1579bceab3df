// siplens page: one wiring file (element handles, a handlers table) plus pure render functions.
// Message text reaches the DOM only through textContent, never innerHTML.
import init, * as siplens from "../pkg/siplens.js";

const el = {
  message: document.getElementById("message"),
  decode: document.getElementById("decode"),
  status: document.getElementById("status"),
  output: document.getElementById("output"),
};

/** The output text for one message: headline, findings, then the full JSON contract. */
function renderResult(text) {
  const d = siplens.decode(text);
  const lines = [d.diagnosis.headline, ""];
  for (const f of d.findings) {
    lines.push(`${f.id} ${f.severity} line ${f.span.line}: ${f.message}`);
  }
  lines.push("", JSON.stringify(d, null, 2));
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
