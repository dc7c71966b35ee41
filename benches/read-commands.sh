#!/usr/bin/env bash
# Time and peak memory of every read command of chg on one store, for the
# scale benchmark (issue: 100,000 records / 500,000 commits). Not part of CI.
#
#   cargo build --release
#   target/release/chg-demo --records 100000 --out /tmp/chg-scale/store-100000
#   benches/read-commands.sh /tmp/chg-scale/store-100000
#
# Environment: CHG (default target/release/chg), RUNS (default 1; the table
# shows the median wall time and the largest peak RSS), CHG_NOW (default
# 2026-11-25T12:00:00Z, inside the demo store's last month). Needs GNU time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHG="${CHG:-$ROOT/target/release/chg}"
RUNS="${RUNS:-1}"
STORE="${1:?usage: benches/read-commands.sh STORE}"
# shellcheck source=common.sh
source "$ROOT/benches/common.sh"
cd "$STORE"

RECORDS=$(git ls-files 'changes/[0-9]*' | wc -l)
COMMITS=$(git rev-list --count HEAD)
FILE=$(git ls-files 'changes/[0-9]*' | sed -n "$((RECORDS / 2))p")
ID=$(basename "$FILE" .yaml)
PACK=$(du -sh .git | cut -f1)

# row LABEL CMD... : runs CMD $RUNS times and prints a table row.
row() {
  local label="$1"; shift
  local said t m
  said=$(measure "$*") || exit 2
  read -r t m <<< "$said"
  printf '| %s | %s | %s |\n' "$label" "$t" "$m"
}

echo "### $RECORDS records, $COMMITS commits ($PACK of .git), median of $RUNS"
echo
echo "| command | time (s) | peak memory (MB) |"
echo "|---|---:|---:|"
rm -rf .git/chg
row '`git log --raw --no-renames -- changes/` (baseline)' "git log --raw --no-renames -- changes/"
row '`chg metrics --no-cache` (whole history)' "$CHG metrics --no-cache --from 1970-01-01 --to 2100-01-01"
row '`chg metrics` (cold: walks, writes the cache)' "rm -rf .git/chg && $CHG metrics"
row '`chg metrics` (warm cache)' "$CHG metrics"
row '`chg report weekly` (warm cache)' "$CHG report weekly"
row '`chg report monthly --format html`' "$CHG report monthly --format html"
row '`chg report quarterly --format html`' "$CHG report quarterly --format html"
row "\`chg log $ID\`" "$CHG log $ID"
row "\`git log --follow -- $FILE\` (baseline)" "git log --follow -- $FILE"
row '`chg list`' "$CHG list"
row '`chg list --attention`' "$CHG list --attention"
row "\`chg show $ID\`" "$CHG show $ID"
row '`chg status`' "$CHG status"
row '`chg check`' "$CHG check"
row '`chg check --base HEAD~100` (gate, 100 commits)' "$CHG check --base HEAD~100"
row '`chg calendar --from 2026-10-01 --to 2026-12-01`' "$CHG calendar --from 2026-10-01 --to 2026-12-01"
row '`chg calendar --format ics`' "$CHG calendar --from 2026-01-01 --to 2027-01-01 --format ics"
row '`cat` of every record (baseline)' "find changes -name 'CHG-*.yaml' -print0 | xargs -0 cat"
