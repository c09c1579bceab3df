// Types of `siplens/trace-element`: the <siplens-trace> custom element (trace-element.js).
import type { Trace, TraceMessage } from "./siplens_trace.js";
import type { SiplensElement, SiplensErrorDetail, SiplensTheme } from "./element.js";

export type { SiplensErrorDetail, SiplensTheme };

/** `detail` of the `siplens-select` event: the message picked in the ladder or a finding. */
export interface SiplensSelectDetail {
    /** Its index in `trace.messages`. */
    index: number;
    /** The message (its `decoded` is the decode shown). */
    message: TraceMessage;
}

/** `detail` of the `siplens-progress` event: how far a big input's decode has got. */
export interface SiplensProgressDetail {
    /** Bytes of the input decoded so far. */
    read: number;
    /** Bytes of the whole input. */
    total: number;
    /** Messages completed so far. */
    messages: number;
}

/** Events of <siplens-trace>; all bubble and cross the shadow boundary. */
export interface SiplensTraceEventMap extends HTMLElementEventMap {
    /** After each decode; `detail` is the same object `decodeTrace()` / `decodeCapture()` return. */
    "siplens-trace": CustomEvent<Trace>;
    /**
     * While an input decodes, between the slices it is decoded in (the page stays responsive):
     * none for an input decoded in one slice.
     */
    "siplens-progress": CustomEvent<SiplensProgressDetail>;
    /** When a message is selected (an arrow of the ladder, a message link, the `selected` property). */
    "siplens-select": CustomEvent<SiplensSelectDetail>;
    /** When the input cannot be decoded (empty) or the module cannot load. */
    "siplens-error": CustomEvent<SiplensErrorDetail>;
}

/**
 * `<siplens-trace>`: a SIP trace (pasted text, a log, a pcap/pcapng capture) as a call list,
 * flow findings and a ladder; selecting a message shows its decode (a `<siplens-decoder>`).
 * Importing this module defines the element (and `<siplens-decoder>`).
 */
export declare class SiplensTrace extends SiplensElement {
    static readonly observedAttributes: string[];
    /**
     * The trace text. As a property: exact text, never rewritten; `null` goes back to the
     * `trace` attribute. Read back without a property set, it is the attribute with its line
     * ends and `\r\n` / `\n` escapes as CR LF. A value that is not a string or null throws a
     * TypeError.
     */
    get text(): string;
    set text(value: string | null);
    /** The capture last decoded, or null. Set a pcap/pcapng `Uint8Array` or `ArrayBuffer` to decode it (anything else throws a TypeError). */
    get capture(): Uint8Array | null;
    set capture(value: Uint8Array | ArrayBuffer | null);
    /** The last Trace, or null (nothing decoded yet, or an error). */
    readonly result: Trace | null;
    /** The selected message's index, or null; setting it shows that message's decode. */
    selected: number | null;
    /** The dialog shown alone in the ladder (a `result.dialogs` index), or null for every message. */
    dialog: number | null;
    /** No paste box, file picker or drop (the `no-input` attribute). */
    noInput: boolean;
    /** Arrows drawn at most (the `ladder-limit` attribute); 2000 by default. */
    ladderLimit: number;
    /** Reads a File or Blob (a pcap/pcapng capture, else text) and decodes it. */
    load(file: Blob): Promise<Trace | null>;
    connectedCallback(): void;
    attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void;
    addEventListener<K extends keyof SiplensTraceEventMap>(
        type: K,
        listener: (this: SiplensTrace, ev: SiplensTraceEventMap[K]) => unknown,
        options?: boolean | AddEventListenerOptions,
    ): void;
    addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
    removeEventListener<K extends keyof SiplensTraceEventMap>(
        type: K,
        listener: (this: SiplensTrace, ev: SiplensTraceEventMap[K]) => unknown,
        options?: boolean | EventListenerOptions,
    ): void;
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
    interface HTMLElementTagNameMap {
        "siplens-trace": SiplensTrace;
    }
    interface GlobalEventHandlersEventMap {
        "siplens-trace": CustomEvent<Trace>;
        "siplens-select": CustomEvent<SiplensSelectDetail>;
        "siplens-progress": CustomEvent<SiplensProgressDetail>;
    }
}
