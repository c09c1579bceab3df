// The element's types (siplens/element): the class, its properties, the tag name map and
// the typed events; compiled with the rest under `tsc --strict`.
import { SiplensDecoder, SiplensElement, THEME_CSS, fromAttribute, type SiplensDecoderEventMap, type SiplensTheme } from "siplens/element";
import type { Decoded } from "siplens/web";

const el: SiplensDecoder = document.createElement("siplens-decoder");
el.message = "SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\n\r\n";
el.compact = true;
el.theme = "dark";
const theme: SiplensTheme = el.theme;
const last: Decoded | null = el.result;
// Both elements share one base class (the theme accessor).
const base: SiplensElement = el;
const text: string = fromAttribute("SIP/2.0 200 OK\\r\\n") + THEME_CSS;
el.addEventListener("siplens-decoded", (e) => {
  const d: Decoded = e.detail;
  if (d.kind === "response") void d.status.code;
});
el.addEventListener("siplens-error", (e) => void e.detail.message.toUpperCase());
document.addEventListener("siplens-decoded", (e) => void e.detail.findings.length);
const q: SiplensDecoder | null = document.querySelector("siplens-decoder");
const byClass: SiplensDecoder = new SiplensDecoder();
type Detail = SiplensDecoderEventMap["siplens-decoded"]["detail"];
const detail: Detail | null = last;

// @ts-expect-error a theme is light, dark or auto
el.theme = "blue";
// @ts-expect-error result is read-only
el.result = null;
// @ts-expect-error message is text
el.message = 42;

export const usedElement = [theme, q, byClass, detail, base, text];
