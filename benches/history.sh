#!/usr/bin/env bash
# Benchmark of the history engine against git itself, on synthetic stores
# made by `chg-demo`. Not part of CI. Prints a markdown table per store.
#
#   cargo build --release
#   benches/history.sh                 # 2,000 records / ~10,000 commits
#   benches/history.sh 2000 20000      # and 20,000 records / ~100,000 commits
#
# Environment: CHG (the binary, default target/release/chg), CHG_DEMO (the
# generator, default target/release/chg-demo), WORK (where the
# stores are kept between runs, default /tmp/chg-bench), RUNS (default 3;
# the table shows medians). Needs git, GNU time (/usr/bin/time; `apt-get
# install time`) and python3 with PyYAML (for the parse baseline).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHG="${CHG:-$ROOT/target/release/chg}"
CHG_DEMO="${CHG_DEMO:-$ROOT/target/release/chg-demo}"
WORK="${WORK:-/tmp/chg-bench}"
RUNS="${RUNS:-3}"
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(2000)
[ -x "$CHG" ] || { echo "error: $CHG is missing; run \`cargo build --release\` first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing; \`apt-get install time\`" >&2; exit 2; }
mkdir -p "$WORK"
export GIT_CONFIG_NOSYSTEM=1 TZ=UTC

# measure NAME CMD... : runs CMD $RUNS times in the store, records the
# median wall time (s) and the largest peak RSS (MB) in TIME[NAME], MEM[NAME].
declare -A TIME MEM
measure() {
  local name="$1"; shift
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    # The exit status is not the point (`chg check` exits 1 on findings).
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" bash -c "$*" > /dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$WORK/time.out")
    times+=("$t")
    (( m > peak )) && peak=$m
  done
  TIME[$name]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  MEM[$name]=$(( peak / 1024 ))
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

cat > "$WORK/parse.py" <<'PY'
import sys, glob, yaml
n = 0
for path in glob.glob("changes/[0-9][0-9][0-9][0-9]/*.yaml"):
    with open(path) as f:
        yaml.load(f, Loader=yaml.CLoader)
    n += 1
print(n)
PY

for N in "${SIZES[@]}"; do
  STORE="$WORK/store-$N"
  if [ ! -d "$STORE/.git" ]; then
    rm -rf "$STORE"
    /usr/bin/time -f "%e %M" -o "$WORK/gen.out" "$CHG_DEMO" --records "$N" --out "$STORE" --seed 1
    read -r GEN_T GEN_M < "$WORK/gen.out"
    echo "generated $N records in ${GEN_T}s (peak $((GEN_M / 1024)) MB)"
  fi
  cd "$STORE"
  COMMITS=$(git rev-list --count HEAD)
  FILE=$(git ls-files 'changes/[0-9]*' | sed -n "$((N / 2))p")
  ID=$(basename "$FILE" .yaml)
  rm -rf .git/chg

  measure git_log   "git log --raw --no-renames -- changes/"
  measure metrics   "$CHG metrics --no-cache --from 1970-01-01 --to 2100-01-01 --format json"
  "$CHG" metrics --from 1970-01-01 --to 2100-01-01 --format json > /dev/null   # warm the cache
  measure metrics_warm "$CHG metrics --from 1970-01-01 --to 2100-01-01 --format json"
  measure cat       "find changes -name 'CHG-*.yaml' -print0 | xargs -0 cat"
  measure chg_log   "$CHG log $ID"
  measure git_follow "git log --follow -- $FILE"
  measure list      "$CHG list --format json"
  measure check     "$CHG check"
  measure pyyaml    "python3 $WORK/parse.py"

  echo
  echo "### $N records, $COMMITS commits ($(du -sh .git | cut -f1) of .git), median of $RUNS runs"
  echo
  echo "| measurement | time (s) | peak memory (MB) | ratio | target |"
  echo "|---|---:|---:|---:|---|"
  echo "| \`git log --raw --no-renames -- changes/\` | ${TIME[git_log]} | ${MEM[git_log]} | 1 | |"
  echo "| \`chg metrics\`, whole history, \`--no-cache\` | ${TIME[metrics]} | ${MEM[metrics]} | $(ratio "${TIME[metrics]}" "${TIME[git_log]}") × git log | ≤ 0.3 |"
  echo "| \`chg metrics\`, warm cache, nothing new | ${TIME[metrics_warm]} | ${MEM[metrics_warm]} | $(ratio "${TIME[metrics_warm]}" "${TIME[cat]}") × cat | ≤ 5 |"
  echo "| \`cat\` of every record | ${TIME[cat]} | ${MEM[cat]} | | |"
  echo "| \`chg log $ID\` | ${TIME[chg_log]} | ${MEM[chg_log]} | $(ratio "${TIME[chg_log]}" "${TIME[git_follow]}") × git log --follow | ≤ 1 |"
  echo "| \`git log --follow -- FILE\` | ${TIME[git_follow]} | ${MEM[git_follow]} | | |"
  echo "| \`chg list\` (work tree) | ${TIME[list]} | ${MEM[list]} | $(ratio "${TIME[list]}" "${TIME[pyyaml]}") × PyYAML | |"
  echo "| \`chg check\` (work tree) | ${TIME[check]} | ${MEM[check]} | $(ratio "${TIME[check]}" "${TIME[pyyaml]}") × PyYAML | ≤ 0.25 |"
  echo "| PyYAML C loader, parse every record | ${TIME[pyyaml]} | ${MEM[pyyaml]} | 1 | |"
  cd - > /dev/null
done
