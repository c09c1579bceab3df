// The web entry's types (bundlers, browsers): the default export is init().
import init, { decode, initSync, type InitOutput } from "siplens/web";

const ready: Promise<InitOutput> = init();
void ready.then(() => decode("OPTIONS sip:x SIP/2.0\r\n\r\n").diagnosis.headline.toUpperCase());
export const sync: typeof initSync = initSync;
