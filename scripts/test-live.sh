#!/usr/bin/env bash
# The contract run against the real services (README: "Testing against real
# Google Drive and S3"): the storage conformance suite and the engine's key
# scenarios, against Google Drive when AVAULT_LIVE_GOOGLE_* are set and
# against an S3 service when AVAULT_LIVE_S3_* are set. A provider without
# its variables is skipped, and the end of the output says which variables
# are missing; with none set it only checks that the live tests build.
#
#   scripts/test-live.sh                       the run (make test-live)
#   scripts/test-live.sh google-sign-in FILE   sign in to Google as Avault does and write
#                                              the refresh token to FILE (mode 0600)
#
# Secrets never reach the output: the variables' values, and anything shaped
# like a Google access or refresh token, are replaced by **redacted** before
# a line is printed or logged.
set -uo pipefail
file=${2:-}
[ -z "$file" ] || [[ $file == /* ]] || file="$PWD/$file"
cd "$(dirname "$0")/.."
log=build/test-artifacts/test-live.log
packages=(./backend/storage/s3/ ./backend/storage/gdrive/ ./backend/engine/)

redact() {
  perl -pe 'BEGIN {
      $| = 1;
      @hide = sort { length($b) <=> length($a) } grep { length($_) >= 4 } map { $ENV{$_} // "" }
        qw(AVAULT_LIVE_GOOGLE_CLIENT_SECRET AVAULT_LIVE_GOOGLE_REFRESH_TOKEN
           AVAULT_LIVE_S3_ACCESS_KEY_ID AVAULT_LIVE_S3_SECRET_ACCESS_KEY);
    }
    for my $s (@hide) { s/\Q$s\E/**redacted**/g }
    s{\bya29\.[\w.-]+}{**redacted**}g;
    s{\b1//[\w.-]{20,}}{**redacted**}g;'
}

case "${1:-}" in
  google-sign-in)
    [ -n "$file" ] || { echo "usage: scripts/test-live.sh google-sign-in FILE" >&2; exit 2; }
    AVAULT_LIVE_GOOGLE_SIGNIN_FILE=$file go test -tags live -count=1 -timeout 10m \
      -run '^TestSignInForLiveRun$' -v ./backend/storage/gdrive/ 2>&1 | redact
    exit "${PIPESTATUS[0]}"
    ;;
  "") ;;
  *) echo "usage: scripts/test-live.sh [google-sign-in FILE]" >&2; exit 2 ;;
esac

mkdir -p "$(dirname "$log")"
# One package at a time (-p 1), so that the Drive tests of two packages do
# not share the account's request and file-creation limits.
go test -tags live -race -count=1 -p 1 -timeout 3h -run '^TestLive' -v "${packages[@]}" 2>&1 | redact | tee "$log"
rc=${PIPESTATUS[0]}

printf '\n'
grep -ho 'skipped [A-Za-z0-9 ]*: .* not set' "$log" | sort -u | sed 's/^/live: /'
if [ "$rc" -ne 0 ]; then
  printf 'live: FAILED (full log: %s)\n' "$log"
elif grep -qE 'live_test\.go:[0-9]+: (S3|Google Drive): ' "$log"; then # a provider's tests began
  printf 'live: passed (full log: %s)\n' "$log"
else
  printf 'live: nothing ran: set the variables above (README: "Testing against real Google Drive and S3")\n'
fi
exit "$rc"
