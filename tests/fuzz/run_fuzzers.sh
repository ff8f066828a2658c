#!/bin/sh
# Builds the libFuzzer targets with clang in build/fuzz and runs each for a bounded time.
# usage: run_fuzzers.sh SOURCE_ROOT BUILD_DIR SECONDS
set -eu
root=$1
build=$2
seconds=$3
cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" >/dev/null
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$root"/tests/fuzz/corpus/* "$corpus"/ 2>/dev/null || true
"$build/fuzz_rendezvous" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
    -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
