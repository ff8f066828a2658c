#!/bin/sh
# The development-PKI commands README.md and protocol/README.md show (in shell blocks, or inline
# in backquotes), run as written in an empty directory with the built binaries on the PATH:
# `pki init`, `pki issue` for another doctor, a cabin, a service, and the openssl conversions of
# a bundle to PEM. Synopses with placeholders (DIR, FILE, a|b, [options]) are not commands and
# are left out; the long-running ones (serve, the cabin, the console) are the e2e test's.
set -eu
root=$1
bindir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
extract() {
    # Shell blocks with continuation lines joined, then inline `...` spans (joined over one line
    # break), keeping those that start with a PKI or openssl pkcs12 command.
    awk '/^```sh$/{f=1;next} /^```/{f=0} f' "$1" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta'
    tr '\n' ' ' < "$1" | grep -o '`[^`]*`' | tr -d '`'
}
commands=$( (extract "$root/README.md"; extract "$root/protocol/README.md") |
    sed 's|\$B/app/[a-z]*/||; s/  *#.*$//; s/  */ /g' |
    grep -E '^(telecabine-rendezvous pki (init|issue)|openssl pkcs12) ' |
    grep -vE '\b(DIR|FILE|IDENTIFIER|TEXT)\b|\||\[' || true)
count=$(printf '%s\n' "$commands" | grep -c . || true)
[ "$count" -ge 4 ] || { echo "expected at least 4 PKI commands in the READMEs, found $count" >&2; exit 1; }
cd "$work"
# svc.p12, which protocol/README.md converts to PEM, is issued first as it says.
PATH="$bindir:$PATH" telecabine-rendezvous pki init dev-pki >/dev/null
PATH="$bindir:$PATH" telecabine-rendezvous pki issue --dir dev-pki --role service --id rendezvous \
    --name "Service" --out svc.p12 --passphrase telecabine >/dev/null
# openssl asks for the bundle's passphrase: it is typed on stdin, as a person would.
printf '%s\n' "$commands" | while IFS= read -r command; do
    echo "\$ $command"
    if ! printf 'telecabine\ntelecabine\n' | PATH="$bindir:$PATH" sh -c "$command" >out.log 2>&1; then
        cat out.log >&2
        echo "FAILED as written: $command" >&2
        exit 1
    fi
done
echo "$count README PKI commands ran as written"
