#!/bin/sh
# GUI tests under `ctest -j2` share one Xvfb. Xvfb resets itself whenever its last client goes
# (server regeneration), and a client that connects during the reset is refused: "could not
# connect to display" for one test in hundreds. README's test command starts Xvfb with -noreset.
# This test starts an Xvfb with the server arguments README's command gives, and connects and
# disconnects three clients at a time, 200 times: every connection must succeed.
set -eu
root=$1
command -v xdpyinfo >/dev/null || { echo "xdpyinfo (x11-utils) is required" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run (xvfb) is required" >&2; exit 1; }
server_args=$(sed -n 's/.*xvfb-run -a -s "\([^"]*\)" ctest --preset ci.*/\1/p' "$root/README.md" | head -n 1)
[ -n "$server_args" ] || { echo "README.md's test command has no xvfb-run -s arguments" >&2; exit 1; }
echo "Xvfb arguments from README.md: $server_args"
failures=$(mktemp)
trap 'rm -f "$failures"' EXIT
# Outside of any display this test may be given (DISPLAY is replaced by xvfb-run's own).
xvfb-run -a -s "$server_args" sh -c '
    for i in $(seq 200); do
        for j in 1 2 3; do
            xdpyinfo >/dev/null 2>&1 || echo "connection $i.$j refused" >> "$0" &
        done
        wait
    done' "$failures"
count=$(wc -l < "$failures")
if [ "$count" -ne 0 ]; then
    echo "$count of 600 connections to Xvfb were refused:" >&2
    head -n 5 "$failures" >&2
    exit 1
fi
echo "600 of 600 connections accepted"
