#!/usr/bin/env bash
# Benchmark of `chg untracked` against git itself, on a synthetic application
# repository. Not part of CI. Prints a markdown table.
#
#   cargo build --release
#   benches/untracked.sh            # 100,000 commits
#   benches/untracked.sh 20000      # another size
#
# The repository is written with `git fast-import` (seconds, not minutes):
# every commit changes one file, 60 % under src/, 10 % deploy/*.yaml, 30 %
# docs/; every third commit names a change in a `Change:` trailer. The store
# is a small `chg-demo` store. Both sides read the same commits: those that
# touch the production paths, with their `Change` trailer.
#
# Environment: CHG (the binary, default target/release/chg), WORK (kept
# between runs, default /tmp/chg-bench), RUNS (default 3; medians). Needs
# git, awk and GNU time (/usr/bin/time; `apt-get install time`).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CHG="${CHG:-$ROOT/target/release/chg}"
CHG_DEMO="${CHG_DEMO:-$ROOT/target/release/chg-demo}"
WORK="${WORK:-/tmp/chg-bench}"
RUNS="${RUNS:-3}"
N="${1:-100000}"
[ -x "$CHG" ] || { echo "error: $CHG is missing; run \`cargo build --release\` first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing; \`apt-get install time\`" >&2; exit 2; }
mkdir -p "$WORK"
export GIT_CONFIG_NOSYSTEM=1 TZ=UTC

APP="$WORK/app-$N"
STORE="$WORK/untracked-store"
if [ ! -d "$APP/.git" ]; then
  rm -rf "$APP"
  git init -q -b main "$APP"
  start=$(date +%s)
  awk -v n="$N" 'BEGIN {
    t = 1704067200  # 2024-01-01 00:00 UTC
    for (i = 1; i <= n; i++) {
      r = i % 10
      if (r < 6)       path = sprintf("src/mod%02d/file%03d.rs", i % 50, i % 200)
      else if (r == 6) path = sprintf("deploy/service%02d.yaml", i % 20)
      else             path = sprintf("docs/page%03d.md", i % 300)
      msg = sprintf("Commit %d touching %s\n", i, path)
      if (i % 3 == 0) msg = msg sprintf("\nChange: CHG-2026-%04d\n", (i % 200) + 1)
      content = sprintf("line written by commit %d\n", i)
      printf "commit refs/heads/main\nmark :%d\n", i
      printf "author Dev <dev@example.com> %d +0000\ncommitter Dev <dev@example.com> %d +0000\n", t, t
      printf "data %d\n%s\n", length(msg), msg
      if (i > 1) printf "from :%d\n", i - 1
      printf "M 100644 inline %s\ndata %d\n%s\n", path, length(content), content
      t += 300
    }
  }' | git -C "$APP" fast-import --quiet
  git -C "$APP" checkout -q main
  echo "generated $N commits in $(( $(date +%s) - start )) s ($(du -sh "$APP/.git" | cut -f1) of .git)" >&2
fi
if [ ! -d "$STORE/.git" ]; then
  rm -rf "$STORE"
  "$CHG_DEMO" --records 200 --out "$STORE" --seed 1 > /dev/null
fi

declare -A TIME MEM
measure() {
  local name="$1"; shift
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    # `chg untracked` exits 1 when it lists commits, which it does here.
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" bash -c "$*" > "$WORK/$name.out" 2>/dev/null || true
    read -r t m < <(tail -n 1 "$WORK/time.out")
    times+=("$t")
    (( m > peak )) && peak=$m
  done
  TIME[$name]=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  MEM[$name]=$(( peak / 1024 ))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

measure git "git -C '$APP' log --format='%H%x00%(trailers:key=Change,valueonly)' -- 'src/' 'deploy/*.yaml'"
measure chg "cd '$STORE' && '$CHG' untracked --since 2000-01-01 --repo '$APP' --paths 'src/**' 'deploy/*.yaml' --format json"
git_commits=$(grep -c . "$WORK/git.out" || true)
chg_listed=$(grep -c '"commit":' "$WORK/chg.out" || true)

echo "### chg untracked, $N commits ($(du -sh "$APP/.git" | cut -f1) of .git), median of $RUNS runs"
echo
echo "| measurement | time (s) | peak memory (MB) | ratio |"
echo "|---|---:|---:|---:|"
echo "| \`git log --format=%H%x00%(trailers:key=Change,valueonly) -- src/ deploy/*.yaml\` | ${TIME[git]} | ${MEM[git]} | 1 |"
echo "| \`chg untracked --since 2000-01-01 --repo APP --paths 'src/**' 'deploy/*.yaml'\` | ${TIME[chg]} | ${MEM[chg]} | $(ratio "${TIME[chg]}" "${TIME[git]}") × git log |"
echo
echo "git log printed $git_commits non-empty lines; chg listed $chg_listed untracked commits."
