#!/usr/bin/env bash
# Runs every check `make test` promises, continues past a failure so one run
# shows everything that is wrong, and ends with a line counting the checks.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"
mkdir -p build/test-artifacts
passed=0 failed=0 failures=()

check() {
  local name=$1; shift
  local start=$SECONDS log="build/test-artifacts/check-${name// /-}.log"
  printf '\n=== %s\n' "$name"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); printf -- '--- ok   %s (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1)); failures+=("$name")
    tail -n 60 "$log"
    printf -- '--- FAIL %s (%ss), full log: %s\n' "$name" $((SECONDS - start)) "$log"
  fi
}

gofmt_clean() { local out; out=$(gofmt -l $(git ls-files '*.go')); [ -z "$out" ] || { echo "not gofmt'ed:"; echo "$out"; return 1; }; }
bindings_fresh() {
  wails generate module -tags webkit2_41 >/dev/null || return 1
  git diff --exit-code -- frontend/wailsjs || { echo "frontend/wailsjs is stale: run 'make bindings' and commit"; return 1; }
  local untracked; untracked=$(git ls-files --others --exclude-standard frontend/wailsjs)
  [ -z "$untracked" ] || { echo "new generated bindings not committed:"; echo "$untracked"; return 1; }
}
# go_tests runs every Go test. build/test-artifacts/go-test.log is what
# `go test -v` prints; the check's own output is the failing tests' output.
go_tests() {
  local json=build/test-artifacts/go-test.json
  rm -f "$json"
  go build -o .cache/bin/testlog ./scripts/testlog || return 1
  go test -race -count=1 -timeout 20m -json ./... >"$json" 2>&1
  local rc=$?
  testlog -log build/test-artifacts/go-test.log -failures <"$json"
  return "$rc"
}
# go_skips lists every skipped Go test with its reason, in `go test ./...`
# and in the short reliability campaign, into go-test.log, and fails unless
# each was written for another operating system: its skip message starts
# "only on windows:" or the like (scripts/testlog/main.go).
go_skips() {
  local json=build/test-artifacts/go-test.json torture=build/test-artifacts/torture/go-test.log
  [ -s "$json" ] || { echo "no $json: go test did not run"; return 1; }
  if [ "$torture" -nt "$json" ]; then
    { cat "$json"; go tool test2json -p scripts/torture <"$torture"; } | testlog -skips
  else
    testlog -skips <"$json"
  fi | tee -a build/test-artifacts/go-test.log
  return "${PIPESTATUS[0]}"
}

check "gofmt" gofmt_clean
check "go vet" bash -c 'go vet ./... && go vet -tags nowindow . && go vet -tags gui ./scripts/guitest/ && GOOS=windows CGO_ENABLED=0 go vet -tags nowindow ./backend/ipc/ .'
check "frontend build" make -s frontend
check "frontend typecheck" npm --prefix frontend run -s typecheck
check "frontend lint" npm --prefix frontend run -s lint
check "frontend unit tests" npm --prefix frontend test --silent
check "bindings fresh" bindings_fresh
check "go test -race" go_tests
check "windows cross-compile" make -s windows
check "desktop build" make -s build-binary
check "gui test" scripts/gui-test.sh
# A failed build leaves no older packages behind for the checks after it.
rm -rf dist
check "packages (make package)" make -s package
check "debian package installed" scripts/deb-test.sh
check "tarball, windows installer, SHA256SUMS" scripts/dist-test.sh
check "web e2e (Chromium)" scripts/e2e.sh
check "reliability campaign (short)" scripts/torture.sh --short
check "no Go test skipped" go_skips

# The skipped tests and why, also when that check passed (a failed check
# has just printed them).
case " ${failures[*]} " in
  *" no Go test skipped "*) ;;
  *) printf '\n'; cat build/test-artifacts/check-no-Go-test-skipped.log ;;
esac

printf '\n'
# Each failed check with the first lines that say why, so that the end of
# the output alone tells what broke.
for f in "${failures[@]}"; do
  printf 'failed: %s\n' "$f"
  grep -E -e '_test\.go:[0-9]+: ' -e '^(FAIL|Error|error)[: ]' -e 'stale|not gofmt' "build/test-artifacts/check-${f// /-}.log" |
    grep -v -E '_test\.go:[0-9]+: kill .*(survived true|changes made, .*)$' | head -n 6 | cut -c1-240 | sed 's/^[[:space:]]*/    /'
done
printf 'checks: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
