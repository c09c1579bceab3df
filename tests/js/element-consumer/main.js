// What a bundler user writes: import the element for its side effect (it loads the .wasm
// itself, no init() call), then set the message property to exact text. The import is
// dynamic here so that one element gets its property before the element is defined.
window.__events = [];
document.getElementById("early").message = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-el-3\r\nFrom: <sip:alice@ims.example.com>;tag=a1\r\nTo: <sip:bob@ims.example.com>;tag=b3\r\nCall-ID: el-3\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
await import("siplens/element");

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
