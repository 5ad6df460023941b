#!/usr/bin/env bash
# Measures the desktop app's idle memory in the tray and its start-to-window
# time on the built binaries (make build), under Xvfb with a tray host, and
# prints them next to the figures of the single-process app they replace.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${BENCH_DESKTOP_RUNS:-5}"
log=$(mktemp)
for _ in $(seq "$runs"); do
  # The GUI test's steps up to the first app's Quit, then the tray-only start.
  scripts/gui-test.sh -run 'TestDesktop/(without|window_is|tray_item|closing|Open_Avault_in|a_second|Quit_in_the_tray|--hidden_with)' \
    >>"$log" 2>&1 || { cat "$log"; exit 1; }
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# ms prints the durations (Go's 512ms or 1.082s) that follow pattern, in ms.
ms() { grep -o "$1 [0-9.]*m\?s" "$log" | awk '{v=$NF; if (v ~ /ms$/) {sub(/ms/,"",v)} else {sub(/s/,"",v); v*=1000} print v}'; }
start=$(ms 'figure: start to visible window' | median)
start_ui=$(ms 'figure: start to rendered UI (exact)' | median)
open=$(ms 'figure: Open Avault to visible window' | median)
open_ui=$(ms 'figure: Open Avault to rendered UI (exact)' | median)
idle=$(grep -o 'idle memory in the tray: [0-9.]* MB' "$log" | awk '{print $6}' | median)
shown=$(grep -o 'memory with the window open: [0-9.]* MB' "$log" | awk '{print $6}' | median)
after=$(grep -o 'in the tray after the window closed: [0-9.]* MB' "$log" | awk '{print $8}' | median)
cat <<TABLE
Desktop figures, median of $runs runs (Xvfb, private D-Bus session with a tray host).
Times are read from the X server's events: "visible" is the window's first
drawn frame, "UI" the first frame that shows the Avault shell. "Before" is
the single-process app the background process replaced (its memory as the
issue measured it, its times measured with this same probe: docs/BENCHMARKS.md).

| figure                                   | single process (before) | now          | target   |
|------------------------------------------|-------------------------|--------------|----------|
| PSS in the tray, window closed, idle     | 316 MB (hidden window)  | $idle MB     | ≤ 60 MB  |
| PSS with the window open (UI shown)      | —                       | $shown MB    |          |
| PSS in the tray after the window closed  | —                       | $after MB    |          |
| launch to visible window                 | 483 ms                  | $start ms    | < 500 ms |
| launch to rendered UI                    | 994 ms                  | $start_ui ms |          |
| tray "Open Avault" to visible window     | (the window was hidden) | $open ms     |          |
| tray "Open Avault" to rendered UI        | (the window was hidden) | $open_ui ms  |          |
TABLE
rm -f "$log"
