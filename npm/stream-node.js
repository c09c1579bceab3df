// siplens/stream under Node: the node entry instantiates the module first (no fetch), then the
// same helpers as stream.js.
import "./node.js";

export * from "./stream.js";
