#!/bin/sh
# README.md opens with two commands; .ci/run must run the second one verbatim.
set -eu
root=$1
ci_command=$(grep -v '^#' "$root/.ci/run" | grep 'ctest' )
grep -qxF "$ci_command" "$root/README.md" || {
    echo "README.md does not contain .ci/run's command: $ci_command" >&2
    exit 1
}
commands=$(sed -n '/^```sh$/,/^```$/p' "$root/README.md" | grep -v '^```' | head -n 2)
echo "$commands" | sed -n 2p | grep -qxF "$ci_command" || {
    echo "the second README command is not the CI command" >&2
    exit 1
}
echo "$commands" | sed -n 1p | grep -q -- '--demo' || {
    echo "the first README command does not start the demo" >&2
    exit 1
}
echo "README commands OK"
