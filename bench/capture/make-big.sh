#!/usr/bin/env bash
# Builds a ~100 MB pcapng by repeating every capture of ../shared/corpus/pcap
# (2.7 MB, 37 files, mixed link types) with mergecap -a (concatenate, no
# time ordering), for the "Captures" benchmark in docs/PERFORMANCE.md.
#
# Usage: bench/capture/make-big.sh [OUT] [TARGET_MB]
#   OUT        output file (default bench/capture/out/big.pcapng, git-ignored)
#   TARGET_MB  approximate size (default 100)
#
# Needs mergecap (Debian package tshark/wireshark-common; `make tools-tshark`).
# Note: repeated TCP captures carry the same sequence numbers in every copy,
# so copies after the first look like retransmissions to any TCP
# reassembler (siplens and tshark alike); the UDP/SCTP traffic repeats whole.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/out/big.pcapng}
target_mb=${2:-100}
corpus=$root/../shared/corpus/pcap
mkdir -p "$(dirname "$out")"
mapfile -t files < <(find "$corpus" -name '*.pcap' -o -name '*.pcapng' | sort)
total=$(cat "${files[@]}" | wc -c)
reps=$(( (target_mb * 1024 * 1024 + total - 1) / total ))
args=()
for _ in $(seq "$reps"); do args+=("${files[@]}"); done
mergecap -F pcapng -a -w "$out" "${args[@]}"
echo "$out: $(du -m "$out" | cut -f1) MB from $reps copies of ${#files[@]} captures"
