#!/usr/bin/env bash
# Time and peak memory of `chg audit` for one quarter against `chg metrics`
# for the same quarter and `git log` over the store, on one store made by
# `chg-demo`. Not part of CI (the 20,000-record store takes minutes to make).
#
#   cargo build --release
#   target/release/chg-demo --records 20000 --seed 1 --out /tmp/chg-bench/store-20000
#   benches/audit.sh /tmp/chg-bench/store-20000 2026-07-01 2026-10-01
#
# Environment: CHG (default target/release/chg), RUNS (default 3; medians
# and the largest peak RSS), CHG_NOW (default 2026-11-25T12:00:00Z). Needs
# GNU time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHG="${CHG:-$ROOT/target/release/chg}"
RUNS="${RUNS:-3}"
STORE="${1:?usage: benches/audit.sh STORE [FROM TO]}"
FROM="${2:-2026-07-01}"
TO="${3:-2026-10-01}"
PERIOD="--from $FROM --to $TO"
# shellcheck source=common.sh
source "$ROOT/benches/common.sh"
cd "$STORE"
TMP="$BENCH_TMP"

read -r git_t git_m < <(measure "git log --raw --no-renames -- changes/")
read -r met_t met_m < <(measure "$CHG metrics --no-cache $PERIOD")
read -r aud_t aud_m < <(measure "rm -rf $TMP/folder; $CHG audit $PERIOD --output $TMP/folder")
"$CHG" audit $PERIOD --output "$TMP/summary" | tail -1 > "$TMP/said"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "### \`chg audit $PERIOD\`: $(git ls-files 'changes/[0-9]*' | wc -l) records, $(git rev-list --count HEAD) commits, median of $RUNS"
echo
echo "| measurement | time (s) | peak memory (MB) | ratio |"
echo "|---|---:|---:|---:|"
echo "| \`git log --raw --no-renames -- changes/\` | $git_t | $git_m | 1 |"
echo "| \`chg metrics --no-cache $PERIOD\` | $met_t | $met_m | $(ratio "$met_t" "$git_t") × git log |"
echo "| \`chg audit $PERIOD\` | $aud_t | $aud_m | $(ratio "$aud_t" "$met_t") × chg metrics |"
echo
echo "chg audit said: $(cat "$TMP/said")"
