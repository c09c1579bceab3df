// What a bundler user writes: import the element for its side effect (it loads the .wasm
// itself, no init() call), then set the message property to exact text.
import "siplens/element";

window.__events = [];
for (const type of ["siplens-decoded", "siplens-error"]) {
  document.addEventListener(type, (e) => window.__events.push({ type, id: e.target.id, detail: type === "siplens-error" ? e.detail.message : e.detail.kind }));
}
// A header value holding a backslash and an "n": the property keeps it as it is.
window.PROP_MESSAGE = [
  "SIP/2.0 503 Service Unavailable",
  "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-el-2;received=192.0.2.10",
  "From: <sip:+15551234567@ims.mnc001.mcc001.3gppnetwork.org>;tag=ue-1",
  "To: <sip:+15551234567@ims.mnc001.mcc001.3gppnetwork.org>;tag=pcscf-1",
  "Call-ID: el-2",
  "CSeq: 2 REGISTER",
  "Retry-After: 30",
  "Warning: 399 pcscf.ims.example.com \"C:\\new\\node overloaded\"",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");
document.getElementById("prop").message = window.PROP_MESSAGE;
