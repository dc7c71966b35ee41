#!/usr/bin/env bash
# Runs both fuzz targets for a bounded time each, from the committed seeds;
# the inputs libFuzzer discovers go to a scratch folder, not into the repo.
# Exits non-zero, leaving the input in fuzz/artifacts/<target>/, if any
# input makes chg panic, overflow its stack or run out of memory.
#
#   cargo install cargo-fuzz
#   fuzz/run.sh            # 300 s per target
#   fuzz/run.sh 900        # 900 s per target
set -euo pipefail
SECONDS_EACH="${1:-300}"
cd "$(dirname "$0")"
SCRATCH="${FUZZ_SCRATCH:-$(mktemp -d)}"
for target in parse_record parse_policy; do
  mkdir -p "$SCRATCH/$target"
  # cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP allows them on stable.
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "$SCRATCH/$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -print_final_stats=1
done
