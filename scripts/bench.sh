#!/usr/bin/env bash
# Throughput, as a user sizing the hub would measure it, in one command:
#   builds the jar; starts the provider simulators (SandboxApplication) and the hub as separate processes,
#   the hub on its embedded PostgreSQL (durable: fsync and synchronous_commit on, as always);
#   offers unique Monnify PAYOUTs (sync SUCCESS account, OTP off) at fixed rates, open loop, and at
#   saturation (closed loop), with scripts/OpenLoad.java; waits until every accepted payment is SUCCEEDED;
#   reads commits per payment (pg_stat_database), the hub's RSS (/proc) and its start-to-healthy time;
#   then an overload run (Monnify answering OVERLOAD_LATENCY_MS late, so acceptance outruns the provider);
#   then runs a naive 2-transaction pgbench script on the same PostgreSQL server (the "naive limit":
#   insert payment + event, commit; update status + event, commit) and prints one markdown table, headed by
#   the CPU ratio: the naive script's PostgreSQL CPU a payment / (the hub's JVM + its PostgreSQL CPU a settled
#   payout), for the balanced run and the overload run, and what the overload costs against the balanced run.
#
#   scripts/bench.sh
#   RATES="100 300" DURATION=20 SATURATION=32 scripts/bench.sh
#   JFR=1 scripts/bench.sh                   # a flight recording of the hub: target/bench/hub.jfr
#   HUB_JAVA_OPTS="-Xmx384m" scripts/bench.sh
#   HUB_ARGS="--hub.dispatch.concurrency=16" scripts/bench.sh   # the hub's settings, to compare
#   JAR=/tmp/old.jar HUB_FILES=/tmp/old SKIP_BUILD=1 scripts/bench.sh   # another build, with its routes and mappings
#   PROVIDER_LATENCY_MS=200 RATES=300 SATURATION=0 scripts/bench.sh   # a slow provider in every run
#   OVERLOAD_LATENCY_MS=0 scripts/bench.sh   # no overload run
#   PGSS=1 scripts/bench.sh                  # the hub's PostgreSQL with pg_stat_statements: target/bench/statements.txt
#   SKIP_BUILD=1 scripts/bench.sh            # reuse target/payment-hub-*.jar (JAR=path: another build, e.g. to compare)
#   CDS=0 scripts/bench.sh                   # the hub as java -jar, without the image's class data sharing archive
# Needs a JDK 17+, curl, psql and pgbench. Ports 18180 (hub) and 18190 (simulators). Files under target/bench.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES=${RATES:-"100 300"}
DURATION=${DURATION:-20}
SATURATION=${SATURATION:-32}          # requests in flight at saturation (0: no saturation run)
WARMUP=${WARMUP:-10}                  # seconds of one warm-up round (JIT, pools, the provider token)
WARMUP_RATE=${WARMUP_RATE:-150}       # payments/s offered while warming up
WARMUP_MAX=${WARMUP_MAX:-150}         # seconds of warm-up at most
JIT_QUIET=${JIT_QUIET:-1}             # warm once a round's JIT compile time (hub + simulators) is under this, s
PROVIDER_LATENCY_MS=${PROVIDER_LATENCY_MS:-0}   # after the warm-up, Monnify answers this much later (an overload)
# the overload run, after the balanced runs: Monnify answers OVERLOAD_LATENCY_MS late, so its 32 provider threads
# send about 32000 / OVERLOAD_LATENCY_MS payouts a second (155/s at 200 ms), while OVERLOAD_RATE/s are offered
# open loop for DURATION seconds: acceptance outruns the provider, the backlog drains at the provider's pace
OVERLOAD_LATENCY_MS=${OVERLOAD_LATENCY_MS:-200}
OVERLOAD_RATE=${OVERLOAD_RATE:-300}
# the JVM settings docs/benchmarks/README.md recommends for a hub within 512 MB (MALLOC_ARENA_MAX: glibc's
# per-thread malloc arenas otherwise add tens of MB of resident memory on a busy many-threaded JVM)
HUB_JAVA_OPTS=${HUB_JAVA_OPTS-"-Xms256m -Xmx256m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+UseSerialGC"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=$PWD/target/bench
HUB=http://localhost:18180
SANDBOX=http://localhost:18190/sandbox
# the routes and mappings the hub runs: this checkout's, or another build's (HUB_FILES=<its checkout>)
HUB_FILES=${HUB_FILES:-.}
rm -rf "$WORK" && mkdir -p "$WORK/hub" "$WORK/log"
cp -r "$HUB_FILES/routes" "$HUB_FILES/mappings" "$WORK/hub/"

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building the jar" >&2
  ./mvnw -q -o package -DskipTests >/dev/null 2>&1 || ./mvnw -q package -DskipTests >/dev/null
fi
JAR=${JAR:-$(ls target/payment-hub-*.jar | grep -v original | head -1)}
# the hub starts as the image starts it (docker/Dockerfile): the jar extracted, its classes mapped from a class data
# sharing archive made by one training start (docker/cds-archive.sh, about as long as a start); CDS=0: java -jar
HUB_LAUNCH=(-jar "$JAR")
if [ "${CDS:-1}" != 0 ]; then
  echo "extracting the hub's jar and making its class data sharing archive" >&2
  java -Djarmode=tools -jar "$JAR" extract --application-filename payment-hub.jar --destination "$WORK/app" >/dev/null
  # shellcheck disable=SC2086
  docker/cds-archive.sh "$WORK/app" "$WORK/app/hub.jsa" "$WORK/hub" $HUB_JAVA_OPTS >&2
  HUB_LAUNCH=(-XX:SharedArchiveFile="$WORK/app/hub.jsa" -jar "$WORK/app/payment-hub.jar")
fi

if curl -s -o /dev/null "$HUB" || curl -s -o /dev/null "$SANDBOX"; then
  echo "ports 18180/18190 are in use (another benchmark still running?)" >&2
  exit 1
fi

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # a hub still working off a backlog may take long over its graceful shutdown: 30 s, then it is killed
  for _ in $(seq 1 60); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  local pg
  pg=$(head -1 "$WORK/hub/data/postgres/postmaster.pid" 2>/dev/null) && kill "$pg" 2>/dev/null || true
}
trap cleanup EXIT

wait_up() {
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.05
  done
  echo "not up: $1" >&2
  exit 1
}

echo "starting the simulators" >&2
java -Xmx512m -Dloader.main=africa.sandbox.SandboxApplication -cp "$JAR" org.springframework.boot.loader.launch.PropertiesLauncher \
  --server.port=18190 --sandbox.hub-base-url=$HUB --sandbox.data-directory="$WORK/sandbox" \
  --sandbox.monnify.otp-required=false --logging.level.root=warn \
  >"$WORK/log/sandbox.log" 2>&1 &
SANDBOX_PID=$!
pids+=($SANDBOX_PID)
wait_up "$SANDBOX/monnify/_control/stats"

echo "starting the hub" >&2
JFR_OPTS=""
# stacks up to 256 frames: a request's stack through the filters, Spring MVC and Camel is deeper than the default 64,
# and a cut stack hides which filter or route step a sample belongs to
[ -n "${JFR:-}" ] && JFR_OPTS="-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=filename=$WORK/hub.jfr,settings=profile,dumponexit=true"
started=$(date +%s%N)
# one client sends everything from one address: the per-client and per-address limits would refuse the load
# shellcheck disable=SC2086
java $HUB_JAVA_OPTS $JFR_OPTS "${HUB_LAUNCH[@]}" --server.port=18180 --hub.home="$WORK/hub" --hub.sandbox.enabled=false \
  --hub.providers.monnify.base-url=$SANDBOX/monnify --hub.providers.waas.base-url=$SANDBOX/waas \
  --hub.providers.connect.base-url=$SANDBOX/connect --hub.providers.dollr.base-url=$SANDBOX/dollr \
  --hub.providers.stub.base-url=$SANDBOX/stub --hub.reload.enabled=false \
  --hub.limits.client-requests-per-second=100000 --hub.limits.reads-per-address=10000 ${HUB_ARGS:-} \
  >"$WORK/log/hub.log" 2>&1 &
HUB_PID=$!
pids+=($HUB_PID)
wait_up "$HUB/actuator/health"
healthy_ms=$(( ($(date +%s%N) - started) / 1000000 ))
rss_start=$(awk '/VmRSS/ {print $2}' /proc/$HUB_PID/status)

PGPORT=$(sed -n 4p "$WORK/hub/data/postgres/postmaster.pid")
psql_q() { psql -X -q -t -A -h localhost -p "$PGPORT" -U postgres -d postgres -c "$1"; }
echo "hub healthy after ${healthy_ms} ms; PostgreSQL $(psql_q 'SHOW server_version') on port $PGPORT, fsync=$(psql_q 'SHOW fsync'), synchronous_commit=$(psql_q 'SHOW synchronous_commit')" >&2

# PGSS=1: pg_stat_statements on the hub's PostgreSQL. It must be preloaded, so the server is stopped once here; the
# hub's supervisor (EmbeddedDatabase) starts it again on the same port and directory, and the pool reconnects
if [ -n "${PGSS:-}" ]; then
  old_pg=$(head -1 "$WORK/hub/data/postgres/postmaster.pid")
  psql_q "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  psql_q "ALTER SYSTEM SET pg_stat_statements.track_utility = off" >/dev/null
  kill -INT "$old_pg"
  for _ in $(seq 1 600); do
    new_pg=$(head -1 "$WORK/hub/data/postgres/postmaster.pid" 2>/dev/null || true)
    [ -n "$new_pg" ] && [ "$new_pg" != "$old_pg" ] && psql_q "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.1
  done
  psql_q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  wait_up "$HUB/actuator/health"
  echo "pg_stat_statements loaded: $(psql_q 'SHOW shared_preload_libraries')" >&2
fi
# a run's statements, by their own time (PGSS=1): target/bench/statements-<run>.txt
statements() {   # statements <label> <payouts settled>
  [ -n "${PGSS:-}" ] || return 0
  psql_q "SELECT 'payouts settled: $2; statements'' time a payout: ' || round((sum(total_exec_time) * 1000 / $2)::numeric) || ' us'
          FROM pg_stat_statements" >"$WORK/statements-${1//\//}.txt"
  psql -X -q -A -F ' | ' -h localhost -p "$PGPORT" -U postgres -d postgres -c "SELECT
      round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) AS share_pct,
      round((total_exec_time * 1000 / $2)::numeric) AS us_a_payout, round((calls::numeric / $2), 2) AS calls_a_payout,
      round((wal_bytes / $2)::numeric) AS wal_bytes_a_payout, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
      FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" >>"$WORK/statements-${1//\//}.txt"
}

commits() { psql_q "SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'"; }

# CPU time used so far, in ms: "hub simulators postgresql machine" (PostgreSQL: the postmaster, its live
# backends and the backends that ended; machine: every core's busy time, so the load generator is the rest)
PG_PID=$(head -1 "$WORK/hub/data/postgres/postmaster.pid")
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
cpu_now() {
  local pg=0 c
  pg=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$PG_PID/stat")
  for c in $(cat /proc/"$PG_PID"/task/*/children 2>/dev/null); do pg=$(( pg + $(cpu_of "$c") )); done
  echo "$(( $(cpu_of "$HUB_PID") * TICK_MS )) $(( $(cpu_of "$SANDBOX_PID") * TICK_MS )) $(( pg * TICK_MS ))" \
       "$(awk '/^cpu / {print ($2 + $3 + $4 + $7 + $8) * '"$TICK_MS"'}' /proc/stat)"
}

# seconds the JIT compilers of these JVMs have spent so far (jstat -compiler: Compiled Failed Invalid Time ...)
jit_s() {
  local t=0 p
  for p in "$@"; do t=$(awk -v t="$t" 'NR == 2 {printf "%.2f", t + $4}' < <(jstat -compiler "$p" 2>/dev/null) || echo "$t"); done
  echo "${t:-0}"
}

# CPU ms the hub's JIT compiler threads have used so far (/proc, its C1 and C2 compiler threads; jstat's compile time
# is their elapsed time, which on a busy 2-core host counts their waits for a core as well)
jit_cpu_ms() {
  local t=0 d
  for d in /proc/"$HUB_PID"/task/*; do
    case "$(cat "$d/comm" 2>/dev/null)" in
      C1\ Compiler*|C2\ Compiler*) t=$(( t + $(sed 's/.*) //' "$d/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0) ));;
    esac
  done
  echo $(( t * TICK_MS ))
}

# the hub's resident set, sampled while a run lasts; the largest sample
rss_watch() {
  local max=0 v
  while kill -0 "$HUB_PID" 2>/dev/null && [ ! -e "$WORK/stop-rss" ]; do
    v=$(awk '/VmRSS/ {print $2}' /proc/$HUB_PID/status 2>/dev/null || echo 0)
    [ "${v:-0}" -gt "$max" ] && max=$v
    echo "$max" >"$WORK/rss-max"
    sleep 0.25
  done
}

# waits until every accepted payment of a run is final; prints "succeeded settled_per_second"
settle() {
  local prefix=$1 accepted=$2 open
  for _ in $(seq 1 600); do
    # every open payment, not only this run's (the earlier runs settled before it began): the partial index
    # payments_due answers it, where a LIKE on message_id read the whole table five times a second, on
    # PostgreSQL's CPU, during the run
    # (whether any is open, not how many: counting a backlog of thousands five times a second was 14% of the
    # hub's PostgreSQL statement time in an overload run, measured with PGSS=1)
    open=$(psql_q "SELECT count(*) FROM (SELECT 1 FROM payments WHERE status IN ('ACCEPTED','SUBMITTED','PENDING') LIMIT 1) o")
    [ "$open" = 0 ] && break
    sleep 0.2
  done
  [ "$open" = 0 ] || echo "  not settled after 120 s: $(psql_q "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n
        FROM payments WHERE message_id LIKE '$prefix-%' AND status IN ('ACCEPTED','SUBMITTED','PENDING') GROUP BY status) s")" >&2
  echo "  accept-to-settled seconds p50/p99/max, first accept to last settle: $(psql_q "SELECT
        round(percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM updated_at - created_at))::numeric, 3) || ' / ' ||
        round(percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM updated_at - created_at))::numeric, 3) || ' / ' ||
        round(max(EXTRACT(EPOCH FROM updated_at - created_at))::numeric, 3) || ', ' ||
        round(EXTRACT(EPOCH FROM max(updated_at) - min(created_at))::numeric, 1)
        FROM payments WHERE message_id LIKE '$prefix-%'")" >&2
  # succeeded, settled/s, and the seconds from the last acceptance to the last settlement (the backlog's drain)
  psql_q "SELECT count(*) FILTER (WHERE status = 'SUCCEEDED') || ' ' ||
                 round(count(*) FILTER (WHERE status = 'SUCCEEDED') / GREATEST(EXTRACT(EPOCH FROM max(updated_at) - min(created_at)), 0.001)) || ' ' ||
                 round(EXTRACT(EPOCH FROM max(updated_at) - max(created_at))::numeric, 1)
          FROM payments WHERE message_id LIKE '$prefix-%'"
}

ROWS=()
declare -A HUBPG   # label -> the hub JVM's + its PostgreSQL's CPU ms a settled payout
declare -A HUBPG_NOJIT   # the same less the hub's JIT compilers' time
SAT_SETTLED=0
run() {   # run <label> <rate> <concurrency>
  local label=$1 rate=$2 conc=$3 prefix="run$RANDOM$RANDOM" c0 c1 out accepted seconds res succeeded settled
  [ -n "${PGSS:-}" ] && psql_q "SELECT pg_stat_statements_reset()" >/dev/null
  local started_ms; started_ms=$(date +%s%3N)
  c0=$(commits); local cpu0; cpu0=$(cpu_now); local jit0; jit0=$(jit_cpu_ms)
  rm -f "$WORK/stop-rss"; rss_watch & local watcher=$!
  load "$rate" "$conc" "$DURATION" "$prefix"; out=$LOADED
  echo "  $label: $out" >&2
  accepted=$(sed -E 's/.*accepted=([0-9]+).*/\1/' <<<"$out")
  seconds=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$out")
  res=$(settle "$prefix" "$accepted")
  local drain
  read -r succeeded settled drain <<<"$res"
  sleep 1.5   # backends report their commits to the statistics at most once a second
  c1=$(commits); local cpu1; cpu1=$(cpu_now); local jit1; jit1=$(jit_cpu_ms)
  touch "$WORK/stop-rss"; wait $watcher 2>/dev/null || true
  statements "$label" "${succeeded:-1}"
  # the run's span in epoch ms, to read a flight recording run by run (scripts/JfrTop.java --from --to)
  echo "$label $started_ms $(date +%s%3N)" >>"$WORK/runs.txt"
  local rss=$(( $(cat "$WORK/rss-max") / 1024 ))
  local p50 p95 p99 hub50 hub99 other
  p50=$(sed -E 's/.* p50=([0-9.NaN]+).*/\1/' <<<"$out"); p95=$(sed -E 's/.* p95=([0-9.NaN]+).*/\1/' <<<"$out")
  p99=$(sed -E 's/.* p99=([0-9.NaN]+).*/\1/' <<<"$out"); hub50=$(sed -E 's/.*hub_p50=([0-9.NaN]+).*/\1/' <<<"$out")
  hub99=$(sed -E 's/.*hub_p99=([0-9.NaN]+).*/\1/' <<<"$out"); other=$(sed -E 's/.*other=([^ ]+).*/\1/' <<<"$out")
  local per_s cpp
  per_s=$(awk -v a="$accepted" -v s="$seconds" 'BEGIN {printf "%.0f", a / s}')
  cpp=$(awk -v d="$((c1 - c0))" -v n="$succeeded" 'BEGIN {printf "%.2f", n ? d / n : 0}')
  # CPU ms per settled payment, by process; the rest is the machine's busy time less the three (the load
  # generator and the kernel's own work)
  local cpu hubpg
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$succeeded" -v j0="$jit0" -v j1="$jit1" 'BEGIN {
          split(a, x, " "); split(b, y, " "); if (!n) n = 1
          h = (y[1] - x[1]) / n; s = (y[2] - x[2]) / n; p = (y[3] - x[3]) / n; m = (y[4] - x[4]) / n
          printf "%.2f (JIT %.2f) / %.2f / %.2f / %.2f", h, (j1 - j0) / n, p, s, m - h - s - p }')
  hubpg=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$succeeded" 'BEGIN {
          split(a, x, " "); split(b, y, " "); if (!n) n = 1; printf "%.2f", (y[1] - x[1] + y[3] - x[3]) / n }')
  # the same less the hub's JIT compilers (on a slow host they are still busy after the warm-up)
  HUBPG_NOJIT[$label]=$(awk -v h="$hubpg" -v n="$succeeded" -v j0="$jit0" -v j1="$jit1" 'BEGIN {
          if (!n) n = 1; printf "%.2f", h - (j1 - j0) / n }')
  # did acceptance outrun settlement: accepted/s over settled/s, and the seconds the backlog took to drain
  local outran
  outran=$(awk -v a="$per_s" -v s="$settled" -v d="$drain" 'BEGIN {
          r = s ? a / s : 0; printf "%.2fx, drained %s s after the last accept%s", r, d, (r > 1.1 ? " (outran)" : "") }')
  [ "$label" = saturation ] && SAT_SETTLED=$settled
  HUBPG[$label]=$hubpg
  ROWS+=("| $label | $per_s | $settled ($succeeded of $accepted SUCCEEDED) | $p50 / $p95 / $p99 ms (hub $hub50 / $hub99) | $cpp | $cpu | $hubpg | $rss MB | RATIO | $outran |")
  [ "$other" != "-" ] && echo "  $label: answers other than 202: $other" >&2
  return 0
}

# one load generator for the whole benchmark (scripts/OpenLoad.java --serve), warmed up with the hub: a fresh JVM
# per run would measure its own HTTP client's first, interpreted seconds too
coproc LOAD { java scripts/OpenLoad.java --url "$HUB/api/v1/payments" --serve; }
pids+=($LOAD_PID)
load() {   # load <rate> <concurrency> <seconds> <prefix>: one run; its result line in LOADED (the coprocess's
           # pipes are not there in a $(...) subshell)
  echo "$*" >&"${LOAD[1]}"
  read -r LOADED <&"${LOAD[0]}"
}

# JIT compilation is most of the hub's CPU for its first minute or two under load (about 22,000 methods, over a
# core of compiler threads): measured straight after a short warm-up, the first rate reads the compilers, not
# the hub. So the warm-up goes on in rounds of WARMUP seconds until the hub and the simulators compiled for
# less than JIT_QUIET seconds in the last round (jstat), at most WARMUP_MAX seconds.
echo "warming up at ${WARMUP_RATE}/s in ${WARMUP}s rounds until the JIT is quiet (at most ${WARMUP_MAX}s)" >&2
warmed=0
while :; do
  j0=$(jit_s "$HUB_PID" "$SANDBOX_PID")
  load "$WARMUP_RATE" 0 "$WARMUP" "warm$warmed"
  settle "warm$warmed" 0 >/dev/null 2>&1
  warmed=$((warmed + WARMUP))
  compiled=$(awk -v a="$j0" -v b="$(jit_s "$HUB_PID" "$SANDBOX_PID")" 'BEGIN {printf "%.1f", b - a}')
  echo "  warm-up ${warmed}s: the JIT compiled for ${compiled}s in the last round" >&2
  awk -v c="$compiled" -v q="$JIT_QUIET" 'BEGIN {exit !(c < q)}' && break
  [ "$warmed" -ge "$WARMUP_MAX" ] && { echo "  the JIT is still busy after ${warmed}s: measuring anyway" >&2; break; }
done

# a slow provider, after the warm-up: every Monnify request waits this long, so at a rate above what its threads
# can send (hub.dispatch.concurrency / latency) acceptance outruns sending and the backlog outgrows its work queue
if [ "$PROVIDER_LATENCY_MS" -gt 0 ]; then
  curl -fs -o /dev/null -H 'Content-Type: application/json' "$SANDBOX/monnify/_control/faults" \
    -d "{\"latencyMs\": $PROVIDER_LATENCY_MS}"
  echo "Monnify answers after ${PROVIDER_LATENCY_MS} ms from now on" >&2
fi

for r in $RATES; do
  run "$r/s" "$r" 0
done
[ "$SATURATION" -gt 0 ] && run saturation 0 "$SATURATION"
# the overload run: the provider is the limit, acceptance outruns it
if [ "$OVERLOAD_LATENCY_MS" -gt 0 ]; then
  curl -fs -o /dev/null -H 'Content-Type: application/json' "$SANDBOX/monnify/_control/faults" \
    -d "{\"latencyMs\": $OVERLOAD_LATENCY_MS}"
  echo "overload: Monnify answers after ${OVERLOAD_LATENCY_MS} ms, ${OVERLOAD_RATE}/s offered" >&2
  run overload "$OVERLOAD_RATE" 0
  curl -fs -o /dev/null -H 'Content-Type: application/json' "$SANDBOX/monnify/_control/faults" \
    -d "{\"latencyMs\": $PROVIDER_LATENCY_MS}"
fi

# what the hub wrote, table by table, and its statements' cost (for the profile of a run)
psql_q "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, idx_scan FROM pg_stat_user_tables ORDER BY n_tup_ins + n_tup_upd DESC" \
  >"$WORK/tables.txt"
psql_q "SELECT count(*) FROM payments" >>"$WORK/tables.txt"

echo "the naive limit: pgbench -c4 -j2 -T15 on the same server" >&2
psql_q "DROP TABLE IF EXISTS naive_events; DROP TABLE IF EXISTS naive_payments;
        CREATE TABLE naive_payments (id bigserial PRIMARY KEY, status text NOT NULL, amount numeric NOT NULL,
                                     created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE naive_events (id bigserial PRIMARY KEY, payment_id bigint NOT NULL REFERENCES naive_payments,
                                   status text NOT NULL, at timestamptz NOT NULL DEFAULT now());" >/dev/null
cat >"$WORK/naive.sql" <<'SQL'
BEGIN;
INSERT INTO naive_payments (status, amount) VALUES ('ACCEPTED', 100.00) RETURNING id \gset
INSERT INTO naive_events (payment_id, status) VALUES (:id, 'ACCEPTED');
COMMIT;
BEGIN;
UPDATE naive_payments SET status = 'SUCCEEDED', updated_at = now() WHERE id = :id;
INSERT INTO naive_events (payment_id, status) VALUES (:id, 'SUCCEEDED');
COMMIT;
SQL
# pgbench <script> <payments a transaction>: "payments/s PostgreSQL-CPU-ms-a-payment machine-CPU-ms-a-payment"
pgbench_run() {
  local before after out tps done
  before=$(cpu_now)
  out=$(pgbench -n -c4 -j2 -T15 -h localhost -p "$PGPORT" -U postgres -f "$1" postgres 2>&1)
  sleep 1   # pgbench's backends have ended; their CPU counts once the postmaster has reaped them
  after=$(cpu_now)
  tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | head -1)
  done=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' <<<"$out" | head -1)
  awk -v a="$before" -v b="$after" -v t="${tps:-0}" -v d="${done:-0}" -v k="$2" 'BEGIN {
        split(a, x, " "); split(b, y, " "); n = d * k; if (!n) n = 1
        printf "%.0f %.2f %.2f\n", t * k, (y[3] - x[3]) / n, (y[4] - x[4]) / n }'
}
read -r naive naive_pg naive_all < <(pgbench_run "$WORK/naive.sql" 1)
psql_q "DROP TABLE naive_events; DROP TABLE naive_payments;" >/dev/null
# the hub's own writes for a payout, grouped as its group commits write them at best, on its own tables: what
# PostgreSQL alone could settle on this machine with no hub, no HTTP and no provider (scripts/hub-writes.sql)
echo "the hub's writes alone: scripts/hub-writes.sql, pgbench -c4 -j2 -T15 on the same server" >&2
# (its rows, the client 'hub-writes', stay in this benchmark's database, which the next run makes anew)
read -r writes writes_pg writes_all < <(pgbench_run scripts/hub-writes.sql 32)

{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -1); $(java -version 2>&1 | head -1); PostgreSQL $(psql_q 'SHOW server_version') (fsync $(psql_q 'SHOW fsync'), synchronous_commit $(psql_q 'SHOW synchronous_commit'))"
  echo "Hub: start to healthy ${healthy_ms} ms, RSS at start $((rss_start / 1024)) MB; JVM: $HUB_JAVA_OPTS; warmed up ${warmed}s at ${WARMUP_RATE}/s"
  echo "Naive 2-commit limit (pgbench -c4 -j2 -T15, same server): $naive payments/s (CPU ms a payment: PostgreSQL $naive_pg, machine $naive_all)"
  echo "The hub's writes alone (scripts/hub-writes.sql: its tables, 32 payouts a group, no hub, no HTTP): $writes payments/s (CPU ms a payment: PostgreSQL $writes_pg, machine $writes_all)"
  # at the naive limit the machine has 2 cores' time / that rate for a payment; PostgreSQL needs writes_pg of it
  # at best, the rest is what the hub, the simulators and the load generator could spend
  echo "At the naive limit a payment has $(awk -v c="$(nproc)" -v n="$naive" 'BEGIN {printf "%.2f", n ? c * 1000 / n : 0}') CPU ms on this machine; less the hub's writes at best, $(awk -v c="$(nproc)" -v n="$naive" -v w="$writes_pg" 'BEGIN {printf "%.2f", n ? c * 1000 / n - w : 0}') ms are left for the hub, the simulators and the load generator (the table: what they spent)"
  [ "$PROVIDER_LATENCY_MS" -gt 0 ] && echo "Monnify answered every request ${PROVIDER_LATENCY_MS} ms late after the warm-up"
  [ "$OVERLOAD_LATENCY_MS" -gt 0 ] && echo "Overload run: Monnify answered every request ${OVERLOAD_LATENCY_MS} ms late (its 32 threads: about $((32000 / OVERLOAD_LATENCY_MS)) sends/s), ${OVERLOAD_RATE}/s offered open loop for ${DURATION} s"
  echo
  # the headline: the naive script's PostgreSQL CPU a payment / (hub JVM + its PostgreSQL) CPU a settled payout,
  # for the balanced run at the overload's offered rate (or else saturation) and for the overload run
  balanced="${OVERLOAD_RATE}/s"; [ -z "${HUBPG[$balanced]:-}" ] && balanced=saturation
  headline="**CPU ratio** (naive 2-commit script's PostgreSQL CPU a payment $naive_pg ms / hub JVM + its PostgreSQL CPU a settled payout; goal >= 1.0):"
  for l in $(printf '%s/s ' $RATES) saturation overload; do
    [ -n "${HUBPG[$l]:-}" ] || continue
    headline+=" $l $(awk -v n="$naive_pg" -v c="${HUBPG[$l]}" 'BEGIN {printf "%.2f", (c > 0 ? n / c : 0)}') (${HUBPG[$l]} ms; without the hub's JIT $(awk -v n="$naive_pg" -v c="${HUBPG_NOJIT[$l]}" 'BEGIN {printf "%.2f", (c > 0 ? n / c : 0)}'), ${HUBPG_NOJIT[$l]} ms);"
  done
  echo "$headline"
  if [ -n "${HUBPG[overload]:-}" ] && [ -n "${HUBPG[$balanced]:-}" ]; then
    echo "**Overload / balanced** (hub JVM + its PostgreSQL CPU a settled payout, overload run / the $balanced run; goal <= 1.2): $(awk -v o="${HUBPG[overload]}" -v b="${HUBPG[$balanced]}" 'BEGIN {printf "%.2f", (b > 0 ? o / b : 0)}')"
  fi
  echo
  echo "| offered | accepted/s | settled/s | accept p50 / p95 / p99 | commits per payment | CPU ms a settled payout: hub (of it JIT) / its PostgreSQL / simulators / load generator + kernel | hub + its PostgreSQL | hub RSS (max) | CPU ratio | accepted/s over settled/s, backlog |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for row in "${ROWS[@]}"; do
    label=$(sed -E 's/^\| ([^ |]+) .*/\1/' <<<"$row")
    ratio=$(awk -v n="$naive_pg" -v c="${HUBPG[$label]}" 'BEGIN {printf "%.2f", (c > 0 ? n / c : 0)}')
    echo "${row/RATIO/$ratio}"
  done
} | tee "$WORK/report.md"
