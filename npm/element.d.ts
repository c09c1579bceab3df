// Types of `siplens/element`: the <siplens-decoder> custom element (element.js).
import type { Decoded } from "./siplens.js";

/** `detail` of the `siplens-error` event. */
export interface SiplensErrorDetail {
    /** Why nothing was decoded: empty input, or the .wasm could not be loaded. */
    message: string;
}

/** Events of <siplens-decoder>; both bubble and cross the shadow boundary. */
export interface SiplensDecoderEventMap extends HTMLElementEventMap {
    /** After each decode; `detail` is the same object `decode()` returns. */
    "siplens-decoded": CustomEvent<Decoded>;
    /** When the message cannot be decoded (empty input) or the module cannot load. */
    "siplens-error": CustomEvent<SiplensErrorDetail>;
}

/** `light`, `dark`, or `auto` (follow `prefers-color-scheme`). */
export type SiplensTheme = "light" | "dark" | "auto";

/** The theme style sheet both elements put in their shadow root (`:host([theme=…])` rules). */
export declare const THEME_CSS: string;

/** An attribute value as message text: its line ends and `\r\n` / `\n` escapes become CR LF. */
export declare function fromAttribute(value: string): string;

/**
 * What both siplens elements share (`<siplens-decoder>`, `<siplens-trace>`): the `theme`
 * property mirroring its attribute. Not registered as an element of its own.
 */
export declare class SiplensElement extends HTMLElement {
    /** Colour scheme (the `theme` attribute); `auto` by default, anything else reads as `auto`. */
    theme: SiplensTheme;
}

/**
 * `<siplens-decoder>`: one SIP message decoded and diagnosed, with findings, headers and the
 * raw message (pointing at a finding or a header highlights its bytes). Importing this module
 * defines the element.
 */
export declare class SiplensDecoder extends SiplensElement {
    static readonly observedAttributes: string[];
    /**
     * The message. As a property: exact text, never rewritten. Read back without a property
     * set, it is the `message` attribute with its line ends and `\r\n` / `\n` escapes as CR LF.
     */
    message: string;
    /** Summary and headline only (the `compact` attribute). */
    compact: boolean;
    /** The last decode result, or null (nothing decoded yet, or an error). */
    readonly result: Decoded | null;
    connectedCallback(): void;
    attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void;
    addEventListener<K extends keyof SiplensDecoderEventMap>(
        type: K,
        listener: (this: SiplensDecoder, ev: SiplensDecoderEventMap[K]) => unknown,
        options?: boolean | AddEventListenerOptions,
    ): void;
    addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
    removeEventListener<K extends keyof SiplensDecoderEventMap>(
        type: K,
        listener: (this: SiplensDecoder, ev: SiplensDecoderEventMap[K]) => unknown,
        options?: boolean | EventListenerOptions,
    ): void;
    removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
    interface HTMLElementTagNameMap {
        "siplens-decoder": SiplensDecoder;
    }
    // The events bubble (composed) to ancestors and the document.
    interface GlobalEventHandlersEventMap {
        "siplens-decoded": CustomEvent<Decoded>;
        "siplens-error": CustomEvent<SiplensErrorDetail>;
    }
}
