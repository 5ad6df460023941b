#!/usr/bin/env bash
# The reliability campaign (docs/RELIABILITY.md): the crash, fault, hostile
# input and security tests in scripts/torture, run against a freshly built
# avault binary, then every fuzz target for a bounded time. Needs root for
# the tmpfs mounts (those scenarios are skipped otherwise) and versitygw in
# .cache/bin (scripts/setup.sh test installs it).
#
#   scripts/torture.sh                 the full campaign (about 30 minutes on 2 cores)
#   scripts/torture.sh --short         the cheap part only (what `make test` runs)
#   scripts/torture.sh --kills 40      SIGKILLs per destination (default 20; Drive gets 3/5 of it)
#   scripts/torture.sh --fuzztime 60s  time per fuzz target (default 45s)
#   scripts/torture.sh --no-fuzz       skip the fuzz targets
#   scripts/torture.sh --seed N        repeat a campaign's random choices
#
# Results: build/test-artifacts/torture/{summary.md,summary.json,fuzz.md,transcript.log,go-test.log}.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"

short="" kills="" fuzztime="45s" fuzz=1 seed=""
while [ $# -gt 0 ]; do
  case $1 in
    --short) short="-short"; fuzz=0 ;;
    --kills) kills=$2; shift ;;
    --fuzztime) fuzztime=$2; shift ;;
    --no-fuzz) fuzz=0 ;;
    --seed) seed=$2; shift ;;
    *) echo "usage: $0 [--short] [--kills N] [--fuzztime D] [--no-fuzz] [--seed N]" >&2; exit 2 ;;
  esac
  shift
done

out=build/test-artifacts/torture
mkdir -p "$out"
failed=0

# --- the campaign against the binary
secrets=$(mktemp)
chmod 600 "$secrets"
trap 'rm -f "$secrets"' EXIT
args=(-out "$PWD/$out" -secrets-out "$secrets")
[ -n "$kills" ] && args+=(-kills "$kills")
[ -n "$seed" ] && args+=(-seed "$seed")
echo "=== torture campaign ${short:+(short)}"
go test -tags torture $short -count=1 -parallel 3 -timeout 120m -v ./scripts/torture/ -args "${args[@]}" 2>&1 |
  tee "$out/go-test.log" | grep -E '^(--- |FAIL|ok |PASS|torture:)|_test.go:[0-9]+: kill '
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  failed=1
  # What the failed scenarios printed, whole (the lines above are only
  # their names).
  echo "=== output of the failed scenarios"
  go tool test2json -p scripts/torture <"$out/go-test.log" | go run ./scripts/testlog -failures
fi

# The planted secrets must not appear in the test output either. The
# values are only in $secrets (mode 0600), never printed.
if [ -s "$secrets" ]; then
  leaks=$(grep -c -F -f "$secrets" "$out/go-test.log")
  if [ "$leaks" -gt 0 ]; then
    echo "FAIL: $leaks lines of the test output contain a planted secret (see $out/go-test.log)"
    failed=1
  else
    echo "secrets: $(wc -l <"$secrets") planted values, none in the test output"
  fi
fi

# --- fuzz targets, each for a bounded time
targets=(
  "./backend/job/cron FuzzParse"
  "./backend/job FuzzPattern"
  "./backend/job FuzzRender"
  "./backend/job FuzzJobValidate"
  "./backend/job FuzzDestinationValidate"
  "./backend/job FuzzSettingsValidate"
  "./backend/job FuzzCredentialValidate"
  "./backend/job/nasroot FuzzClean"
  "./backend/job/nasroot FuzzResolve"
  "./backend/storage/gdrive FuzzQuote"
  "./backend/storage/gdrive/drivefake FuzzQuery"
  "./backend/engine/manifest FuzzDecodeManifest"
)
if [ "$fuzz" -eq 1 ]; then
  {
    echo "## Fuzzing ($fuzztime per target)"
    echo
    echo "| target | package | time | executions | corpus (seeds + interesting inputs kept) | result |"
    echo "|---|---|---:|---:|---:|---|"
  } >"$out/fuzz.md"
  for t in "${targets[@]}"; do
    read -r pkg name <<<"$t"
    log="$out/fuzz-$name.log"
    echo "=== fuzz $name ($pkg, $fuzztime)"
    start=$SECONDS
    go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" "$pkg" >"$log" 2>&1
    rc=$?
    last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -n 1)
    execs=$(sed -E 's/.*execs: ([0-9]+).*/\1/' <<<"$last")
    corpus=$(sed -E 's/.*\(total: ([0-9]+)\).*/\1/' <<<"$last")
    result=ok
    if [ $rc -ne 0 ]; then
      result="**FAILED** (see $log; the input is saved under $pkg/testdata/fuzz/$name)"
      failed=1
      tail -n 30 "$log"
    fi
    echo "| $name | ${pkg#./} | $((SECONDS - start)) s | ${execs:-?} | ${corpus:-?} | $result |" >>"$out/fuzz.md"
    echo "    ${execs:-?} executions, corpus ${corpus:-?}: $result"
  done
fi

echo
cat "$out/summary.md"
[ "$fuzz" -eq 1 ] && { echo; cat "$out/fuzz.md"; }
if [ $failed -ne 0 ]; then
  echo "torture: FAILED"
  exit 1
fi
echo "torture: passed"
