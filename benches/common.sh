# Shared by the benchmark scripts (sourced, not run): the binary and GNU
# time checks, the fixed environment, and `measure`.
#
# Before sourcing, set CHG (the binary) and RUNS; afterwards BENCH_TMP is a
# folder removed on exit.

CHG="$(realpath "$CHG")"
export CHG_NOW="${CHG_NOW:-2026-11-25T12:00:00Z}" GIT_CONFIG_NOSYSTEM=1 TZ=UTC
[ -x "$CHG" ] || { echo "error: $CHG is missing; run \`cargo build --release\` first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing; \`apt-get install time\`" >&2; exit 2; }
BENCH_TMP="$(mktemp -d)"
trap 'rm -rf "$BENCH_TMP"' EXIT

# measure CMD... : prints "MEDIAN_SECONDS PEAK_MB" of CMD over $RUNS runs.
# `chg check` exits 1 on findings; a status above 1 is a failure, which
# must not pass for a fast run.
measure() {
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    local rc=0
    /usr/bin/time -f "%e %M" -o "$BENCH_TMP/time" bash -c "$*" > "$BENCH_TMP/out" 2>&1 || rc=$?
    if (( rc > 1 )); then
      echo "error: \`$*\` failed with status $rc:" >&2
      tail -5 "$BENCH_TMP/out" >&2
      exit 2
    fi
    read -r t m < <(tail -n 1 "$BENCH_TMP/time")
    times+=("$t")
    (( m > peak )) && peak=$m
  done
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$((peak / 1024))"
}
