#!/usr/bin/env bash
# Security checks (docs/RELIABILITY.md, "Security"):
#  1. the campaign's security tests against the built binary: file modes,
#     the web mode's guards, the OAuth loopback listener, and the search
#     for planted secrets in every output, database file and destination;
#  2. govulncheck on the module. It needs the vulnerability database at
#     https://vuln.go.dev; where that cannot be reached the check says so
#     and fails, rather than pretend (set GOVULNCHECK_OFFLINE_OK=1 to only
#     warn, e.g. on a machine without internet access).
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"
out=build/test-artifacts/torture
mkdir -p "$out"
failed=0

secrets=$(mktemp)
chmod 600 "$secrets"
trap 'rm -f "$secrets"' EXIT
echo "=== security tests"
go test -tags torture -short -count=1 -timeout 20m -v \
  -run 'TestFileModes|TestWebGuards|TestOAuthListener|TestHostileWeb|TestKeyGone' ./scripts/torture/ \
  -args -out "$PWD/$out" -secrets-out "$secrets" 2>&1 | tee "$out/security-test.log" | grep -E '^(--- |FAIL|ok |PASS)'
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
if [ -s "$secrets" ] && grep -q -F -f "$secrets" "$out/security-test.log"; then
  echo "FAIL: a planted secret appears in the test output ($out/security-test.log)"
  failed=1
fi
sed -n '/^## Checks/,/^## Lost/p' "$out/summary.md"

echo "=== govulncheck"
if go run golang.org/x/vuln/cmd/govulncheck@latest ./... >"$out/govulncheck.log" 2>&1; then
  cat "$out/govulncheck.log"
  echo "govulncheck: no known vulnerability reached from Avault's code"
else
  cat "$out/govulncheck.log"
  if grep -qiE 'vuln.go.dev|dial tcp|no such host|connection refused|i/o timeout|TLS handshake|proxyconnect|fetching vulnerabilities' "$out/govulncheck.log"; then
    echo "govulncheck could not reach its database (above). Run it where https://vuln.go.dev is reachable:"
    echo "  go run golang.org/x/vuln/cmd/govulncheck@latest ./..."
    [ "${GOVULNCHECK_OFFLINE_OK:-0}" = 1 ] || failed=1
  else
    echo "govulncheck: vulnerabilities found (above)"
    failed=1
  fi
fi

[ $failed -eq 0 ] && echo "security-check: passed" || echo "security-check: FAILED"
exit $failed
