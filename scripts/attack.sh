#!/usr/bin/env bash
# Availability under attack, as the attacker of issue 25 tried it: starts the hub from its jar (embedded
# PostgreSQL, default settings and limits, the demo client as the victim) and, with scripts/Attack.java, measures
# the victim's latency alone, then during each attack, the attackers a process of their own:
#   slow-bodies: 120 anonymous connections from 20 loopback addresses (127.0.0.2 .. 127.0.0.21) to
#                /webhooks/monnify, each announcing 1,000 bytes and sending one every 4 s
#   login-flood: 64 logins at once under random unknown names from 20 loopback addresses (127.0.0.102 .. 121)
# and prints one line per phase (victim's requests, p50/p95/max in ms, failed, the hub's CPU in cores from /proc)
# and the verdict against the bar: the victim's p95 within 5x its baseline and under 250 ms, none of its requests
# failed. Exits 1 if an attack fails the bar.
#
#   scripts/attack.sh
#   SECONDS_PER_PHASE=30 scripts/attack.sh
#   ATTACKS=login-flood scripts/attack.sh
#   HUB_ARGS="--hub.limits.password-checks=2" scripts/attack.sh      # the hub's settings, to compare
#   URL=http://localhost:8080 VICTIM=acme-erp:... HUB_PID=1234 scripts/attack.sh   # a hub already running here
#   SKIP_BUILD=1 scripts/attack.sh           # reuse target/payment-hub-*.jar
#   NICE=0 scripts/attack.sh                 # the attackers as high in priority as the hub and the victim
# Needs a JDK 17+ and curl. Port 18280. Files under target/attack.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-20}
ATTACKS=${ATTACKS:-slow-bodies,login-flood}
VICTIM=${VICTIM:-demo-erp:demo-erp-secret}
NICE=${NICE:-19}                       # the attackers' priority: 19 keeps their own CPU from the hub and the victim
                                       # on this machine, as a remote attacker's is (NICE=0: level with them)
VICTIM_RATE=${VICTIM_RATE:-20}         # the victim's requests a second (its client limit is 50 by default)
WORK=$PWD/target/attack
HUB_PID=${HUB_PID:-0}

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$p" 2>/dev/null || true
  done
  local pg
  pg=$(head -1 "$WORK/hub/data/postgres/postmaster.pid" 2>/dev/null) && kill "$pg" 2>/dev/null || true
}
trap cleanup EXIT

if [ -z "${URL:-}" ]; then
  URL=http://localhost:18280
  if curl -s -o /dev/null "$URL"; then
    echo "port 18280 is in use (another attack still running?)" >&2
    exit 1
  fi
  rm -rf "$WORK" && mkdir -p "$WORK/hub" "$WORK/log"
  cp -r routes mappings "$WORK/hub/"
  if [ -z "${SKIP_BUILD:-}" ]; then
    echo "building the jar" >&2
    ./mvnw -q -o package -DskipTests >/dev/null 2>&1 || ./mvnw -q package -DskipTests >/dev/null
  fi
  JAR=${JAR:-$(ls target/payment-hub-*.jar | grep -v original | head -1)}
  echo "starting the hub" >&2
  # shellcheck disable=SC2086
  java -Xmx512m -jar "$JAR" --server.port=18280 --hub.home="$WORK/hub" --hub.reload.enabled=false ${HUB_ARGS:-} \
    >"$WORK/log/hub.log" 2>&1 &
  HUB_PID=$!
  pids+=($HUB_PID)
  for _ in $(seq 1 1200); do
    curl -fs -o /dev/null "$URL/actuator/health" && break
    kill -0 "$HUB_PID" 2>/dev/null || { echo "the hub did not start: $WORK/log/hub.log" >&2; exit 1; }
    sleep 0.1
  done
fi

mkdir -p "$WORK/classes" && javac -d "$WORK/classes" scripts/Attack.java
run() { java -cp "$WORK/classes" Attack --url "$URL" --seconds "$SECONDS_PER_PHASE" "$@"; }
victim() {
  run --mode victim --victim "$VICTIM" --victim-rate "$VICTIM_RATE" --hub-pid "$HUB_PID" --clk-tck "$(getconf CLK_TCK)" "$@"
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "hub at $URL (pid $HUB_PID), $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "victim $VICTIM_RATE requests/s; ${SECONDS_PER_PHASE} s a phase: $ATTACKS; attackers at nice $NICE" >&2
baseline=$(victim --warm true)
echo "phase=baseline $baseline"
base_p95=$(field p95 "$baseline")
failed=0
verdicts=()
for attack in ${ATTACKS//,/ }; do
  # the attackers run as a process of their own, a little longer than the victim's measurement
  nice -n "$NICE" java -cp "$WORK/classes" Attack --url "$URL" --mode "$attack" --seconds $((SECONDS_PER_PHASE + 4)) \
    >"$WORK/$attack.out" &
  attacker=$!
  pids+=($attacker)
  sleep 2   # every connection open and sending
  during=$(victim)
  wait "$attacker"
  echo "phase=$attack $during $(cat "$WORK/$attack.out")"
  p95=$(field p95 "$during")
  verdict=$(awk -v p="$p95" -v b="$base_p95" -v f="$(field failed "$during")" 'BEGIN {
    ok = (f == 0 && p <= 5 * b && p < 250); printf "%s (p95 %.1f ms = %.1fx the baseline'"'"'s %.1f ms; bar: 5x and 250 ms; %d failed)", ok ? "PASS" : "FAIL", p, p / b, b, f }')
  verdicts+=("verdict $attack: $verdict")
  [[ $verdict == PASS* ]] || failed=1
  sleep 3   # the attackers' connections closed, the hub at rest again
done
printf '%s\n' "${verdicts[@]}"
exit $failed
