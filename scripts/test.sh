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
go_tests() { go test -race -count=1 -timeout 20m ./... 2>&1 | tee build/test-artifacts/go-test.log | grep -v '^ok \|no test files'; return "${PIPESTATUS[0]}"; }

check "gofmt" gofmt_clean
check "go vet" bash -c 'go vet ./... && go vet -tags gui ./scripts/guitest/'
check "frontend build" make -s frontend
check "frontend typecheck" npm --prefix frontend run -s typecheck
check "frontend lint" npm --prefix frontend run -s lint
check "frontend unit tests" npm --prefix frontend test --silent
check "bindings fresh" bindings_fresh
check "go test -race" go_tests
check "windows cross-compile" make -s windows
check "desktop build" make -s build-binary
check "gui test" scripts/gui-test.sh
check "web e2e (Chromium)" scripts/e2e.sh
check "reliability campaign (short)" scripts/torture.sh --short

printf '\n'
for f in "${failures[@]}"; do printf 'failed: %s\n' "$f"; done
printf 'checks: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
