#!/usr/bin/env bash
# Compares two builds of the hub on a noisy machine: runs scripts/bench.sh for build A, then B, then A, ...
# (ROUNDS times each, alternating, so that the host's load falls on both), then prints every run's figures
# side by side, one line per figure. One run of each says little here: the same build's p99 at 300/s varied
# from 19 to 44 ms within one sitting.
#
#   scripts/ab.sh A.jar B.jar                      # 2 rounds of RATES="300" DURATION=30 SATURATION=32
#   ROUNDS=4 RATES="200 300" scripts/ab.sh A.jar B.jar
#   A_FILES=/tmp/a scripts/ab.sh A.jar B.jar       # A runs the routes and mappings of its own checkout (/tmp/a)
#   B_ARGS="--hub.dispatch.writers=2" scripts/ab.sh X.jar X.jar   # one build, two settings (A_ARGS, B_ARGS: HUB_ARGS of each)
#   scripts/ab.sh --table target/ab/a-1.md ...     # only the side-by-side table of reports already made
#
# The routes and mappings are not in the jar: each build runs A_FILES's or B_FILES's routes/ and mappings/
# (default: this checkout's), so two builds whose routes differ need the older one's checkout, e.g.
# mkdir /tmp/a && git archive <commit> routes mappings | tar -x -C /tmp/a.
#
# The environment is passed on to scripts/bench.sh (RATES, DURATION, SATURATION, HUB_ARGS, ...); each run's
# report lands in target/ab/<a|b>-<round>.md, its writes per table in <a|b>-<round>-tables.txt, and with PGSS=1 each
# run's statements in <a|b>-<round>-statements-<run>.txt. Files under target/ab.
set -euo pipefail
cd "$(dirname "$0")/.."

# every figure of one report, one per line: "<offered> <figure> <value>"
figures() {
  awk -F'|' '
    /^\*\*Overload \/ balanced\*\*/ { n = split($0, w, " "); print "all overload/balanced-cpu " w[n] }
    /^Naive 2-commit limit/ { for (i = 1; i <= NF; i++) if (match($i, /: [0-9]+ payments/)) { v = substr($i, RSTART + 2, RLENGTH - 11); print "all naive-limit/s " v } }
    /^The hub.s writes alone/ { if (match($0, /: [0-9]+ payments/)) { v = substr($0, RSTART + 2, RLENGTH - 11); print "all hub-writes-alone/s " v } }
    /^\| [0-9a-z]+(\/s)? \|/ && $2 !~ /offered/ {
      gsub(/^ +| +$/, "", $2); row = $2
      split($4, s, " "); print row " settled/s " s[1]
      split($5, l, " "); print row " accept-p99-ms " l[5]
      print row " commits/payment " ($6 + 0)
      n = split($7, c, "/"); hub = c[1] + 0; pg = c[2] + 0; sim = c[3] + 0; rest = c[4] + 0
      print row " cpu-ms/payout:hub " hub; print row " cpu-ms/payout:postgresql " pg
      print row " cpu-ms/payout:hub+postgresql " ($8 + 0)
      printf "%s cpu-ms/payout:all %.2f\n", row, hub + sim + pg + rest
      print row " rss-mb " ($9 + 0)
      print row " cpu-ratio " ($10 + 0)
      split($11, o, "x"); print row " accepted/settled " (o[1] + 0)
    }' "$1"
}

# the side-by-side table of reports named a-*.md and b-*.md
table() {
  local f label
  for f in "$@"; do
    label=$(basename "$f" .md); label=${label%%-*}
    figures "$f" | sed "s/^/$label /"
  done | awk '
    { key = $2 " " $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      v[key, $1] = (v[key, $1] == "" ? "" : v[key, $1] ", ") $4 }
    END {
      print "| offered | figure | A | B |"; print "|---|---|---|---|"
      for (i = 1; i <= n; i++) { split(order[i], k, " "); print "| " k[1] " | " k[2] " | " v[order[i], "a"] " | " v[order[i], "b"] " |" }
    }'
}

if [ "${1:-}" = "--table" ]; then
  shift
  table "$@"
  exit 0
fi
[ $# -eq 2 ] || { echo "usage: scripts/ab.sh A.jar B.jar" >&2; exit 2; }
A=$(realpath "$1"); B=$(realpath "$2")
ROUNDS=${ROUNDS:-2}
export RATES=${RATES:-300} DURATION=${DURATION:-30} SATURATION=${SATURATION:-32} OVERLOAD_LATENCY_MS=${OVERLOAD_LATENCY_MS:-200}
OUT=$PWD/target/ab
rm -rf "$OUT" && mkdir -p "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    jar=$A; files=${A_FILES:-.}; args=${A_ARGS:-}
    [ "$side" = b ] && jar=$B && files=${B_FILES:-.} && args=${B_ARGS:-}
    echo "round $round of $ROUNDS: build $side ($jar, routes and mappings from $files${args:+, settings $args})" >&2
    JAR=$jar HUB_FILES=$files HUB_ARGS="${HUB_ARGS:-} $args" SKIP_BUILD=1 scripts/bench.sh >"$OUT/$side-$round.md" 2>"$OUT/$side-$round.log"
    cp target/bench/tables.txt "$OUT/$side-$round-tables.txt"
    for f in target/bench/statements-*.txt; do   # PGSS=1: each run's statements
      [ -e "$f" ] && cp "$f" "$OUT/$side-$round-$(basename "$f")"
    done
  done
done
{
  echo "A: $A (routes and mappings from ${A_FILES:-.})${A_ARGS:+, settings $A_ARGS}"
  echo "B: $B (routes and mappings from ${B_FILES:-.})${B_ARGS:+, settings $B_ARGS}"
  echo "RATES=\"$RATES\" DURATION=$DURATION SATURATION=$SATURATION OVERLOAD_LATENCY_MS=$OVERLOAD_LATENCY_MS, $ROUNDS rounds, A and B alternating"
  echo
  table "$OUT"/a-*.md "$OUT"/b-*.md
} | tee "$OUT/report.md"
