#!/usr/bin/env bash
# Consumer tests of the built package (`make test-js`): packs pkg/ with `npm pack`, installs
# the tarball (offline: it has no dependencies) into copies of the consumer projects in a
# temporary directory, then: tsc --strict on the published types, a Vite build of an app and
# of a page using the <siplens-decoder> element, and `node --test` on the Node consumer, the
# cross-check, the Vite bundle and the elements <siplens-decoder> and <siplens-trace> (in Chromium, under a strict CSP; skipped with a
# reason when Chromium is missing: `make test-page` installs it).
# Tools (vite, tsc) come from the root node_modules; run from the crate root.
set -euo pipefail
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tgz=$(npm pack "$root/pkg" --pack-destination "$tmp" --silent | tail -n 1)
echo "siplens: packed $tgz"
for p in node-consumer vite-consumer ts-consumer element-consumer; do
  cp -r "$root/tests/js/$p" "$tmp/$p"
  npm install --prefix "$tmp/$p" --offline --no-audit --no-fund --silent "$tmp/$tgz"
done

echo "siplens: tsc --strict (nodenext, then bundler resolution)"
"$root/node_modules/.bin/tsc" -p "$tmp/ts-consumer/tsconfig.json"
"$root/node_modules/.bin/tsc" -p "$tmp/ts-consumer/tsconfig.bundler.json"

echo "siplens: vite build"
"$root/node_modules/.bin/vite" build --config "$tmp/vite-consumer/vite.config.mjs"
"$root/node_modules/.bin/vite" build --config "$tmp/element-consumer/vite.config.mjs"

export SIPLENS_BIN=${SIPLENS_BIN:-$root/target/debug/siplens}
export SIPLENS_FIXTURES=${SIPLENS_FIXTURES:-$root/tests/fixtures:$root/../shared/corpus/rfc4475/messages}
export SIPLENS_ROOT=$root
node --test --test-concurrency=1 "$tmp/node-consumer/" "$tmp/vite-consumer/bundle.test.mjs" "$tmp/element-consumer/element.test.mjs" "$tmp/element-consumer/trace-element.test.mjs"
