#!/bin/sh
# Builds the libFuzzer targets with clang in BUILD_DIR and runs each for SECONDS / 3.
# usage: run_fuzzers.sh SOURCE_ROOT BUILD_DIR SECONDS
#        run_fuzzers.sh SOURCE_ROOT BUILD_DIR --build-only
set -eu
root=$1
build=$2
seconds=$3
mkdir -p "$build"
# Quiet when it works, the whole log when it does not.
quietly() { "$@" >"$build/last-step.log" 2>&1 || { cat "$build/last-step.log"; return 1; }; }
quietly cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
quietly cmake --build "$build"
if [ "$seconds" = "--build-only" ]; then exit 0; fi
each=$((seconds / 3))
run() {
    target=$1
    seeds=$2
    corpus=$(mktemp -d)
    cp "$seeds"/* "$corpus"/ 2>/dev/null || true
    echo "== $target, ${each}s"
    status=0
    "$build/$target" -max_total_time="$each" -max_len=8192 -timeout=10 -print_final_stats=1 \
        "$corpus" >"$corpus.log" 2>&1 || status=$?
    if [ $status -eq 0 ]; then tail -n 6 "$corpus.log"; else tail -n 60 "$corpus.log"; fi
    rm -rf "$corpus" "$corpus.log"
    return $status
}
run fuzz_rendezvous "$root/tests/fuzz/corpus"
run fuzz_packets "$root/tests/fuzz/corpus-packets"
run fuzz_prescription "$root/tests/fuzz/corpus-prescriptions"
run fuzz_record "$root/tests/fuzz/corpus-record"
run fuzz_pdf "$root/tests/fuzz/corpus-pdf"
run fuzz_documents "$root/tests/fuzz/corpus-documents"
run fuzz_archive "$root/tests/fuzz/corpus-archive"
