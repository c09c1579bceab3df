// Loaded by the crate root's index.html only: sends / to www/ keeping the fragment and query
// (a meta refresh drops the fragment, so /#code=580 would lose its code).
location.replace(`www/${location.search}${location.hash}`);
