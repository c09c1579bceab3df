# siplens: two commands, `make serve` and `make test`. Both install what is missing first.
# Recipe and pitfalls: ../shared/TOOLCHAIN.md. `make help` lists the targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
# Steps run in the order listed, even under `make -j`.
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

CARGO_HOME ?= $(HOME)/.cargo
# npm's wasm-opt (binaryen) must come first: wasm-pack uses whichever wasm-opt is first on
# PATH, and Debian's (108) breaks current wasm-bindgen output at load time.
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_HOME)/bin:$(PATH)

WASM_TARGET       := wasm32-unknown-unknown
WASM_PACK_VERSION := 0.15.1
# The CLI must match the wasm-bindgen crate exactly, so read it from Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
WASM_OPT_MIN      := 132
HOST ?= 127.0.0.1
PORT ?= 8080
# The .wasm embeds registry paths (panic locations); remap them for reproducible builds.
PKG_RUSTFLAGS := --remap-path-prefix=$(CARGO_HOME)/registry/src=/cargo-src

.PHONY: help tools tools-rust tools-node tools-tshark pkg size serve test lint test-wasm test-js test-page test-rust bench-js bench-page examples clean

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z-]+:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

serve: tools pkg ## Build pkg/ and serve the page on http://127.0.0.1:8080/www/ (HOST, PORT); .wasm sent compressed
	node scripts/serve.mjs --host $(HOST) --port $(PORT)

# Test steps run in this order. Append new ones (JS, browser) before test-rust:
# the output must end with the Rust runner's summary line.
test: tools lint pkg test-wasm test-js test-page test-rust ## Install what is missing, then run every check and test

tools: tools-rust tools-node tools-tshark ## Install missing tools (checks versions first; fast when present)

tools-rust:
	@test -n "$(WASM_BINDGEN_VERSION)" || { echo "error: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@# std's source, for the core's std rebuilt for size (pkg/.built).
	@rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
	@[[ "$$(wasm-pack --version 2>/dev/null)" == "wasm-pack $(WASM_PACK_VERSION)" ]] || \
	  cargo install wasm-pack --version $(WASM_PACK_VERSION) --locked
	@# Not --locked: one of its locked dependencies is missing from the registry.
	@[[ "$$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]] || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked

# tests/tshark.rs compares siplens with Wireshark on every shared capture.
# Debian's tshark; noninteractive answers "no" to capturing as non-root.
tools-tshark:
	@command -v tshark >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark; }

tools-node: node_modules/.installed
	@# wasm-pack --mode no-install skips a missing wasm-opt silently, so check it here.
	@wasm_opt=$$(command -v wasm-opt) || { echo "error: wasm-opt not found (npm binaryen)" >&2; exit 1; }; \
	  [[ "$$wasm_opt" == "$(CURDIR)/node_modules/.bin/wasm-opt" ]] || \
	    { echo "error: wasm-opt is $$wasm_opt, not npm's binaryen" >&2; exit 1; }; \
	  v=$$(wasm-opt --version | awk '{ print $$3 }'); \
	  [[ "$$v" -ge $(WASM_OPT_MIN) ]] || { echo "error: wasm-opt $$v < $(WASM_OPT_MIN)" >&2; exit 1; }

node_modules/.installed: package.json $(wildcard package-lock.json)
	if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	@touch $@

pkg: tools pkg/.built ## Build the npm package into pkg/ (wasm-pack --target web + a Node entry; see README)

# Everything the package is built from: pkg/ is rebuilt (wasm-pack and wasm-opt, ~30 s) only
# when one of these is newer than the stamp, so `make serve` starts at once when it is current.
PKG_SOURCES := $(shell find src data -type f 2>/dev/null) build.rs Cargo.toml Cargo.lock \
  $(wildcard npm/*) scripts/pkg.mjs www/render.js www/trace-render.js README.md $(wildcard LICENSE-*)

# Two modules (README, "Package layout"): the core (feature `core-only`, its own target dir
# and CORE_OPT_LEVEL) is pkg/siplens_bg.wasm; the full module, built into target/pkg-trace,
# becomes pkg/siplens_trace_bg.wasm (`siplens/trace`), loaded only when a trace is asked for.
# The core is built for size (opt-level z: 21 % less gzip than 3, README "Size and speed"):
# it decodes one message at a time, where download and compile time dominate; the full module
# keeps the release profile's opt-level 3 for throughput on big traces and captures.
CORE_OPT_LEVEL ?= z
# The core is also linked against a std rebuilt for size (README "Size and speed": 224,374 ->
# 211,478 bytes gzip -9): `-Zbuild-std` compiles std from rustup's `rust-src` with
# `optimize_for_size`; `-Cpanic=immediate-abort` makes a panic a bare `unreachable` trap with no
# message formatting, and `-Zlocation-detail=none` drops the panic locations' file names. Safe:
# the core sets no panic hook, and on wasm32 a panic already aborts the module (the trap is the
# same, only the unread message goes). `-Zfmt-debug=none` makes `{:?}` write nothing and drops
# the `Debug` impls with core's Unicode printable tables (3.6 KB gzip): no text the core
# returns uses `{:?}` (finding texts quote with `src/quote.rs`; its test
# `core_sources_use_no_debug_format` checks the sources). These are unstable options;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them (it changes nothing else). `core_std_ok` checks once that rustc
# takes the flags for wasm32 and that rust-src has std with `optimize_for_size`; if not, the
# core is built as before (std prebuilt, formatted panics) after a warning line.
# CORE_STD=prebuilt forces that fallback.
CORE_STD ?= rebuilt
CORE_SPEED_RUSTFLAGS ?= --cfg siplens_speed
CORE_STD_RUSTFLAGS := -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none
CORE_STD_CARGOFLAGS := -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
core_std_ok = [[ "$(CORE_STD)" == rebuilt ]] && \
  RUSTC_BOOTSTRAP=1 rustc $(CORE_STD_RUSTFLAGS) --target $(WASM_TARGET) --print cfg >/dev/null 2>&1 && \
  grep -qs '^optimize_for_size' "$$(rustc --print sysroot)/lib/rustlib/src/rust/library/std/Cargo.toml"
pkg/.built: $(PKG_SOURCES)
	@# Silent recipe line (the whole if/else would be echoed, warning text included, whichever
	@# branch runs): each branch says which std the core is built with.
	@if $(core_std_ok); then \
	  echo "siplens: core built with std rebuilt for size (build-std, RUSTC_BOOTSTRAP=1)"; \
	  RUSTC_BOOTSTRAP=1 RUSTFLAGS="$(PKG_RUSTFLAGS) $(CORE_STD_RUSTFLAGS) $(CORE_SPEED_RUSTFLAGS)" CARGO_TARGET_DIR=target/wasm-core-bs \
	    CARGO_PROFILE_RELEASE_OPT_LEVEL=$(CORE_OPT_LEVEL) wasm-pack build --release --target web --mode no-install \
	    --out-dir pkg -- --no-default-features --features core-only $(CORE_STD_CARGOFLAGS); \
	else \
	  echo "warning: core built with the prebuilt std (CORE_STD=$(CORE_STD), or rustc or rust-src lacks the size flags): about 13 KB gzip larger" >&2; \
	  RUSTFLAGS="$(PKG_RUSTFLAGS)" CARGO_TARGET_DIR=target/wasm-core CARGO_PROFILE_RELEASE_OPT_LEVEL=$(CORE_OPT_LEVEL) \
	    wasm-pack build --release --target web --mode no-install --out-dir pkg -- --no-default-features --features core-only; \
	fi
	@# A second wasm-opt pass, to a fixed point, on the core only (about 1 KB gzip: README "Size
	@# and speed"); the producers and target-features sections are metadata no loader reads.
	@# --low-memory-unused (0.8-1.2 KB gzip, README "Size and speed") lets wasm-opt fold
	@# `p + k` (k < 1024) into the load or store offset: the two differ only if `p + k` wraps past 4 GiB to an address below 1024,
	@# and Rust's wasm32 layout puts the bottom of the 1 MiB stack there (`--stack-first`), so
	@# only a stack already overflowed would reach it (it traps either way).
	wasm-opt -Oz --converge --low-memory-unused pkg/siplens_bg.wasm -o pkg/siplens_bg.wasm
	@# Then the control flow rebuilt (--flatten --rereloop) and shrunk again: 858 bytes gzip,
	@# `decode` 0.96x (0.93-1.05x) as fast in `node bench/js/cores.mjs` (README "Size and speed").
	wasm-opt --low-memory-unused --flatten --rereloop -Oz -Oz --converge --strip-producers --strip-target-features \
	  pkg/siplens_bg.wasm -o pkg/siplens_bg.wasm
	RUSTFLAGS="$(PKG_RUSTFLAGS)" wasm-pack build --release --target web --mode no-install \
	  --out-dir target/pkg-trace --out-name siplens_trace -- --no-default-features --features esp
	node scripts/pkg.mjs pkg target/pkg-trace
	@touch $@

CORE_BUDGET := 204800
size: pkg ## Both .wasm modules, raw / gzip -9 / brotli, their sections, and the core's 200 KiB gzip verdict
	@for w in pkg/siplens_bg.wasm pkg/siplens_trace_bg.wasm; do echo "$$w:"; node scripts/wasm-sections.mjs $$w; done
	@for w in pkg/siplens_bg.wasm pkg/siplens_trace_bg.wasm; do \
	  raw=$$(stat -c %s $$w); gz=$$(gzip -9c $$w | wc -c); br=$$(stat -c %s $$w.br); \
	  awk -v w=$$w -v r=$$raw -v g=$$gz -v b=$$br 'BEGIN { printf "%s: %d bytes raw (%.1f KiB), %d bytes gzip -9 (%.1f KiB), %d bytes brotli (%.1f KiB)\n", w, r, r / 1024, g, g / 1024, b, b / 1024 }'; \
	done
	@gz=$$(gzip -9c pkg/siplens_bg.wasm | wc -c); \
	  if [[ $$gz -le $(CORE_BUDGET) ]]; then echo "core: $$gz bytes gzip -9 <= $(CORE_BUDGET) (200 KiB): within budget"; \
	  else echo "core: $$gz bytes gzip -9 > $(CORE_BUDGET) (200 KiB): OVER BUDGET by $$(( gz - $(CORE_BUDGET) )) bytes"; fi

# The baseline `make bench-page` compares with: BASELINE_REF's www/ and its one-module pkg/,
# built from `git archive` in target/bench-baseline (sharing target/ with the full module's build).
BASELINE_REF ?= main
target/bench-baseline/.built:
	rm -rf target/bench-baseline && mkdir -p target/bench-baseline/src
	git archive $(BASELINE_REF) | tar -x -C target/bench-baseline/src
	cd target/bench-baseline/src && RUSTFLAGS="$(PKG_RUSTFLAGS)" CARGO_TARGET_DIR=$(CURDIR)/target \
	  wasm-pack build --release --target web --mode no-install --out-dir pkg -- --no-default-features
	cd target/bench-baseline/src && node scripts/pkg.mjs pkg
	mv target/bench-baseline/src/www target/bench-baseline/src/pkg target/bench-baseline/
	rm -rf target/bench-baseline/src
	@echo "$(BASELINE_REF) $$(git rev-parse $(BASELINE_REF))" > $@

bench-page: pkg target/bench-baseline/.built ## Chromium: first result after a cold load, this build beside BASELINE_REF (default main)
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	node scripts/bench-page.mjs --runs $(or $(RUNS),10) $(if $(NETWORK),--network $(NETWORK)) --json target/bench-page.json

bench-js: pkg ## Node: decode throughput vs the JS SIP parsers (bench/js/, own lock file)
	RUSTFLAGS="$(PKG_RUSTFLAGS)" wasm-pack build --release --target web --mode no-install \
	  --out-dir bench/js/pkg-boundary -- --no-default-features --features bench-boundary
	node scripts/pkg.mjs bench/js/pkg-boundary
	cd bench/js && { [[ -d node_modules ]] || npm ci --no-audit --no-fund; } && node bench.mjs

lint: tools-rust ## rustfmt check; clippy for the host and for wasm32; rustdoc warnings
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	@# The library and the wasm tests (proptest, a dev-dependency, is native-only).
	cargo clippy --lib --test wasm --target $(WASM_TARGET) --no-default-features -- -D warnings
	@# The core module's build (pkg/siplens_bg.wasm): the exports gated out must leave nothing unused.
	cargo clippy --lib --target $(WASM_TARGET) --no-default-features --features core-only -- -D warnings
	@# rustdoc: broken intra-doc links and other doc warnings fail the build.
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib --quiet

test-wasm: tools ## The JS exports in Node (wasm-pack test --node; tests/wasm.rs)
	@# Without CARGO_TERM_QUIET: cargo would hand `--quiet` to wasm-bindgen-test-runner,
	@# which rejects it.
	env -u CARGO_TERM_QUIET wasm-pack test --node --mode no-install -- --no-default-features --test wasm

test-js: tools pkg ## The packed package from Node, Vite and tsc, and the JS/CLI cross-check (tests/js/)
	cargo build --quiet --bin siplens
	tests/js/run.sh

test-page: tools pkg ## The page and <siplens-decoder>: render unit tests, then Chromium e2e, security, axe (tests/page/)
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	node scripts/examples.mjs
	@git diff --quiet -- www/examples.js 2>/dev/null || { echo "error: www/examples.js is stale; commit the regenerated file" >&2; exit 1; }
	node --test --test-concurrency=1 tests/page/*.test.mjs

examples: ## Regenerate www/examples.js from tests/fixtures
	node scripts/examples.mjs

test-rust: ## Rust tests (cargo-nextest; doctests too, which nextest does not run)
	cargo test --doc --quiet
	cargo nextest run

clean: ## Remove build output (target/, pkg/) and node_modules/
	cargo clean
	rm -rf pkg node_modules
