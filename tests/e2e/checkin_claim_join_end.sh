#!/bin/sh
# End-to-end: starts telecabine-rendezvous, telecabine-cabin and the telecabine console as separate
# processes on loopback with a freshly created development PKI. The console's autopilot signs in,
# claims the first waiting patient, joins (SDP offer/answer through the service), looks at the
# video and the vitals, writes, signs and sends an ordonnance that the cabin prints on a real IPP
# printer (ippeveprinter), and ends the consultation. The durable event log must then show the whole story.
set -eu
rendezvous=$1
cabin=$2
console=$3
keying=${4:-dtls} # the console's media keying: dtls (default) or sdes
steth=${5:-48000} # the stethoscope the console asks for: L16 at 48000 or 16000, or opus
video=${6:-vp8} # the cabin's cameras: vp8 or h264 (the console offers both)
signer=${7:-file} # the ordonnance signed with the identity file, or with a card (SoftHSM2)
case $video in vp8) video_name=VP8 ;; h264) video_name=H264 ;; *) echo "video?" >&2; exit 2 ;; esac
case $steth in
    opus) steth_args="--stethoscope-codec opus" steth_stream="Opus/48000 at 128 kbit/s" steth_pt=102 ;;
    16000) steth_args="--stethoscope-rate 16000" steth_stream="L16/16000" steth_pt=98 ;;
    *) steth_args="--stethoscope-rate 48000" steth_stream="L16/48000" steth_pt=96 ;;
esac
case $keying in dtls) keying_name=DTLS-SRTP ;; sdes) keying_name=SDES ;; *) echo "keying?" >&2; exit 2 ;; esac

work=$(mktemp -d)
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${keep:-${TC_E2E_KEEP:-0}}" = 1 ]; then echo "e2e: artefacts kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM
fail() { echo "e2e: FAIL: $*" >&2; keep=1; tail -n 30 "$work"/*.log >&2 || true; exit 1; }

"$rendezvous" pki init "$work/pki" >/dev/null || fail "pki init"

"$rendezvous" serve --port 0 --port-file "$work/port" --event-log "$work/events.sqlite" \
    --ca "$work/pki/ca.pem" --cert "$work/pki/service.pem" --key "$work/pki/service.key" \
    --archive-dir "$work/archive" --archive-key "$work/archive.key" \
    >"$work/rendezvous.log" 2>&1 &
pids="$pids $!"
i=0
while [ ! -s "$work/port" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "the service did not start"; sleep 0.1
done
port=$(cat "$work/port")

"$cabin" --port "$port" --ca "$work/pki/ca.pem" --bundle "$work/pki/cabin.p12" \
    --passphrase telecabine --waiting 1 --cleaning-delay-ms 500 --video-codec "$video" \
    --local-printer "$work/printer" --state-dir "$work/cabin-state" >"$work/cabin.log" 2>&1 &
pids="$pids $!"

# The doctor's CPS card: a SoftHSM2 token holding the doctor's key and certificate, read by
# the console through the PKCS#11 module, PIN 1234.
card_args=""
if [ "$signer" = card ]; then
    softhsm_module=/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so
    mkdir -p "$work/card/tokens"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
        "$work/card/tokens" >"$work/card/softhsm2.conf"
    export SOFTHSM2_CONF="$work/card/softhsm2.conf"
    {
        openssl pkcs12 -in "$work/pki/doctor.p12" -passin pass:telecabine -nocerts -nodes \
            -out "$work/card/key.pem" &&
        openssl pkcs12 -in "$work/pki/doctor.p12" -passin pass:telecabine -clcerts -nokeys |
            openssl x509 -outform DER -out "$work/card/doctor.der" &&
        softhsm2-util --init-token --free --label CPS-E2E --pin 1234 --so-pin 12345678 &&
        softhsm2-util --import "$work/card/key.pem" --token CPS-E2E --label doctor --id 01 \
            --pin 1234 &&
        pkcs11-tool --module "$softhsm_module" --token-label CPS-E2E --login --pin 1234 \
            --write-object "$work/card/doctor.der" --type cert --id 01 --label doctor
    } >"$work/card.log" 2>&1 || fail "the card could not be made: $(cat "$work/card.log")"
    rm -f "$work/card/key.pem"
    card_args="--pkcs11-module $softhsm_module"
    export TELECABINE_CARD_PIN=1234
fi

# GUI tests run under Xvfb unless a display is already there.
run_gui() {
    if [ -z "${DISPLAY:-}" ]; then xvfb-run -a -s "-screen 0 1280x800x24 -noreset" "$@"; else "$@"; fi
}
export TELECABINE_PASSPHRASE=telecabine
run_gui \
    "$console" --autopilot --autopilot-timeout 60 --host 127.0.0.1 --port "$port" \
    --ca "$work/pki/ca.pem" --bundle "$work/pki/doctor.p12" --screenshot "$work/console.png" \
    --data-dir "$work/console" $card_args \
    --media-keying "$keying" $steth_args --audio-sink none --microphone synthetic --camera test \
    >"$work/console.log" 2>&1 || fail "the console's autopilot did not complete"

[ -s "$work/console.png" ] || fail "no screenshot"
# Encrypted media flowed from the cabin to the console over the verified UDP path: a host pair,
# both programs being on this machine.
grep -q "autopilot: media connected.*quality good (direct (réseau local) · $keying_name" \
    "$work/console.log" ||
    fail "no media from the cabin, or not on a host pair, $keying_name keyed and measured good"
grep -q "keyed by $keying_name" "$work/cabin.log" || fail "the cabin did not key by $keying_name"
grep -q "stethoscope: streaming $steth_stream" "$work/cabin.log" ||
    fail "the cabin did not stream the stethoscope as $steth_stream"
grep -q "voice: streaming Opus/48000" "$work/cabin.log" || fail "the cabin did not stream its voice"
# Both streams reached the console, each on its own payload type.
grep -q "autopilot: received .*, payload type $steth_pt, [1-9]" "$work/console.log" ||
    fail "no stethoscope packets ($steth_stream) at the console"
grep -q "autopilot: received .*, payload type 111, [1-9]" "$work/console.log" ||
    fail "no voice packets at the console"
grep -q "media: connected" "$work/cabin.log" || fail "the cabin's media never connected"

# The cabin goes through cleaning and becomes ready again.
i=0
until grep -q "cleaning done; cabin ready" "$work/cabin.log"; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "the cabin never left cleaning"; sleep 0.1
done

# The conversation went both ways: the doctor's (test) microphone reached the cabin.
grep -q "autopilot: sent [1-9][0-9]* packets of the doctor's voice" "$work/console.log" ||
    fail "the console sent no voice"
grep -q "voice: heard [1-9][0-9]* packets of the doctor's voice" "$work/cabin.log" ||
    fail "the cabin did not hear the doctor"
grep -q "video: streaming room camera $video_name 1280x720@30" "$work/cabin.log" ||
    fail "the cabin did not stream its room camera in $video_name at 720p30"
# The cabin's room camera moved on the doctor's screen, and the otoscope, asked for, became the
# main view.
grep -q "autopilot: room camera [0-9]* -> [1-9][0-9]* frames decoded, screen changed" \
    "$work/console.log" || fail "the room camera did not show, or froze"
grep -q "autopilot: main view otoscope, [1-9][0-9]* otoscope frames decoded, screen changed" \
    "$work/console.log" || fail "the otoscope did not become the main view"
grep -q "video: streaming otoscope $video_name" "$work/cabin.log" ||
    fail "the cabin did not start the otoscope in $video_name"
[ -s "$work/console-otoscope.png" ] || fail "no otoscope screenshot"
# And saw the doctor (the labelled test pattern here), decoded at its full size.
grep -q "screen: showed [1-9][0-9]* frames of the doctor's camera (640x360)" "$work/cabin.log" ||
    fail "the cabin did not show the doctor's camera"

# The instruments: the ECG drawn live in the vitals tab, and an oximetry asked for and received,
# validated and flagged.
grep -q "autopilot: vitals: ECG et pléthysmogramme en direct, [0-9]* ECG strip frames drawn, oximetry: spo2 [0-9]* %" \
    "$work/console.log" || fail "the vitals tab did not show the live ECG and the oximetry"
[ -s "$work/console-vitals.png" ] || fail "no vitals screenshot"
# The ordonnance: written with no issue left, signed, sent to the cabin and printed there.
grep -q "autopilot: ordonnance [0-9A-Z*~$=-]*: 1 line(s), 0 issue(s) to fix" "$work/console.log" ||
    fail "the ordonnance was not written, or issues were left"
[ -s "$work/console-prescription.png" ] || fail "no ordonnance screenshot"
case $signer in
    card) signed_with="the card Carte « CPS-E2E » — Dr Claire Martin" ;;
    *) signed_with="the identity file" ;;
esac
grep -q "autopilot: ordonnance .* signed with $signed_with: " "$work/console.log" ||
    fail "the ordonnance was not signed with $signed_with"
pdf=$(sed -n 's/^autopilot: ordonnance .* signed with .*: \(.*\.pdf\)$/\1/p' "$work/console.log")
[ -n "$pdf" ] && [ -s "$pdf" ] || fail "the signed ordonnance was not kept with the consultation"
grep -q "autopilot: ordonnance .* delivery: printed" "$work/console.log" ||
    fail "the console was not told the ordonnance printed"
grep -q "document .*: received and verified (SHA-256)" "$work/cabin.log" ||
    fail "the cabin did not verify the document it received"
grep -q "document .*: printed (job [0-9]*)" "$work/cabin.log" || fail "the cabin did not print"
[ -s "$work/console-prescription-printed.png" ] || fail "no screenshot of the printed ordonnance"
# The pharmacist's side: the signature, the chain and the QR code check out...
[ -x "${TC_VERIFY:-}" ] || fail "TC_VERIFY does not name the telecabine-verify binary"
"$TC_VERIFY" "$pdf" --ca "$work/pki/ca.pem" >"$work/verify.log" 2>&1 ||
    fail "telecabine-verify refused the ordonnance: $(cat "$work/verify.log")"
# ...and the printer received exactly the signed document (beside the report's patient copy).
printed_exactly() {
    for printed in $(find "$work/printer/spool" -type f -name '*.pdf'); do
        cmp -s "$1" "$printed" && return 0
    done
    return 1
}
[ -n "$(find "$work/printer/spool" -type f -name '*.pdf')" ] || fail "ippeveprinter kept no document"
printed_exactly "$pdf" || fail "no printed document is the signed PDF"
# The compte rendu: signed, verified as a report, and its patient copy printed after the cabin
# checked its signature.
report=$(sed -n 's/^autopilot: compte rendu .* signed: \(.*\.pdf\)$/\1/p' "$work/console.log")
[ -n "$report" ] && [ -s "$report" ] || fail "the signed report was not kept with the consultation"
"$TC_VERIFY" "$report" --ca "$work/pki/ca.pem" --kind report >"$work/verify-report.log" 2>&1 ||
    fail "telecabine-verify refused the report: $(cat "$work/verify-report.log")"
grep -q "consultation report, signature verified" "$work/cabin.log" ||
    fail "the cabin did not verify the report's signature"
grep -q "autopilot: patient copy of the compte rendu: printed" "$work/console.log" ||
    fail "the console was not told the patient copy printed"
printed_exactly "$report" || fail "no printed document is the signed report"

# The consultation's dossier went to the service's archive, whole (committed).
grep -q "autopilot: dossier S-[0-9a-f]*: done" "$work/console.log" ||
    fail "the consultation's dossier was not archived"
grep -q "archive: doctor [0-9]* committed record S-" "$work/rendezvous.log" ||
    fail "the service did not commit the dossier"

kinds=$(sqlite3 "$work/events.sqlite" "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM events ORDER BY sequence);")
echo "e2e: event log: $kinds"
for k in checkin claim join end cleaning cabin_ready; do
    echo " $kinds " | grep -q " $k " || fail "event '$k' missing from the log"
done
reason=$(sqlite3 "$work/events.sqlite" "SELECT reason FROM events WHERE kind = 'end';")
[ "$reason" = "completed" ] || fail "end reason is '$reason'"
echo "e2e: PASS"
