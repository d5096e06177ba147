#!/usr/bin/env bash
# Money safety under faults, as a reliability engineer would try it: the hub and the provider simulators run
# as separate processes (so the hub can die while the providers keep their records), messages are posted
# while the script kills the hub (kill -9), kills and freezes its database, injects provider faults (503s,
# Dollr's 429s, latency past the read timeout, token expiry) and runs a second hub on the same database. Then it
# proves from the simulators' own records (scripts/ChaosLoad.java verify):
#   lost       = acknowledged (202) messages the hub no longer knows                      -> must be 0
#   duplicated = messages executed more than once at their provider, across every payment id -> must be 0
#   open       = payments (and data requests) neither final nor knowingly in NEEDS_REVIEW    -> must be 0
#   missed     = Monnify payouts it reversed after they succeeded, still SUCCEEDED in the hub -> must be 0
#                (every 25th goes to the account Monnify reverses; a webhook lost to a kill is found by the recheck)
#   in review  = NEEDS_REVIEW payments, each checked against the provider's record: money moved or not
#
#   scripts/chaos.sh                    # 1,500 messages for each of the five providers (7,500), every fault
#   MESSAGES=300 scripts/chaos.sh       # a short run
#   PROVIDERS="monnify dollr" ...       # some providers only
# The messages: Monnify payouts, Connect bank transfers, WaaS wallet credits, Dollr invoice collections (each a
# chain of ten calls) and mobile-money payouts, stub data requests. Monnify, Connect and WaaS carry the messageId
# as narration, so a message executed twice shows as one narration twice in the simulator's list; Dollr's
# executions carry none, so each message has an amount of its own (1.01 .. 101.00 for messages 1 .. 10,000).
# Needs a JDK 17+, curl, jq. Ports 18080/18081 (hubs) and 18090 (simulators). Work files under target/chaos.
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-1500}
PARALLEL=${PARALLEL:-16}
PROVIDERS=${PROVIDERS:-monnify connect waas dollr stub}
STARTED=$(date +%s)
WORK=$PWD/target/chaos
SANDBOX=http://localhost:18090/sandbox
HUB1=http://localhost:18080
HUB2=http://localhost:18081
CLIENT=demo-erp:demo-erp-secret
rm -rf "$WORK" && mkdir -p "$WORK/hub" "$WORK/log"
cp -r routes mappings "$WORK/hub/"
# the recheck of final payouts every minute rather than every 30 (a run lasts minutes): what a webhook lost to a
# kill said, it finds before the proof
sed -i 's/^  every: 30m$/  every: 1m/' "$WORK/hub/routes/providers/monnify/monnify.provider.yaml"
grep -q '^  every: 1m$' "$WORK/hub/routes/providers/monnify/monnify.provider.yaml" \
  || { echo "monnify.provider.yaml no longer declares recheck every: 30m" >&2; exit 1; }

echo "building the jar"
./mvnw -q -o package -DskipTests 2>/dev/null || ./mvnw -q package -DskipTests
JAR=$(ls target/payment-hub-*.jar | grep -v original | head -1)
mkdir -p "$WORK/classes" && javac -d "$WORK/classes" scripts/ChaosLoad.java

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$(postgres_pid)" ] && kill "$(postgres_pid)" 2>/dev/null || true
}
trap cleanup EXIT

postgres_pid() { head -1 "$WORK/hub/data/postgres/postmaster.pid" 2>/dev/null; }

start_sandbox() {
  java -Dloader.main=africa.sandbox.SandboxApplication -cp "$JAR" org.springframework.boot.loader.launch.PropertiesLauncher \
    --server.port=18090 --sandbox.hub-base-url=$HUB1 --sandbox.data-directory="$WORK/sandbox" \
    --sandbox.monnify.otp-required=false --sandbox.dollr.wallet-balance=1000000000.00 \
    --sandbox.stub.retry-delays=10s,30s,60s,120s \
    >"$WORK/log/sandbox.log" 2>&1 &
  pids+=($!)
  wait_up "$SANDBOX/monnify/_control/stats"
}

hub_args() {
  echo --hub.home="$WORK/hub" --hub.sandbox.enabled=false \
    --hub.providers.monnify.base-url=$SANDBOX/monnify --hub.providers.waas.base-url=$SANDBOX/waas \
    --hub.providers.connect.base-url=$SANDBOX/connect --hub.providers.dollr.base-url=$SANDBOX/dollr \
    --hub.providers.stub.base-url=$SANDBOX/stub --hub.providers.stub.webhook-url=$HUB1/webhooks/stub \
    --hub.reload.enabled=false \
    --hub.limits.client-requests-per-second=5000 --hub.limits.anonymous-requests-per-second=5000 \
    --hub.recheck.check-ms=5000 --hub.recheck.first-delay-ms=5000 --hub.data-requests.expire-after=6m
}

# hub 1 owns the embedded PostgreSQL (data under target/chaos/hub/data)
start_hub1() {
  java -jar "$JAR" --server.port=18080 $(hub_args) >>"$WORK/log/hub1.log" 2>&1 &
  HUB1_PID=$!
  pids+=($HUB1_PID)
  wait_up "$HUB1/actuator/health/readiness"
}

# hub 2 works on hub 1's database, as a second instance would
start_hub2() {
  local port
  port=$(sed -n 4p "$WORK/hub/data/postgres/postmaster.pid")
  java -jar "$JAR" --server.port=18081 $(hub_args) --hub.database.embedded=false \
    --spring.datasource.url="jdbc:postgresql://localhost:$port/postgres" --spring.datasource.username=postgres \
    >>"$WORK/log/hub2.log" 2>&1 &
  HUB2_PID=$!
  pids+=($HUB2_PID)
  wait_up "$HUB2/actuator/health/readiness"
}

wait_up() {
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "not up: $1" >&2
  exit 1
}

# the client (scripts/ChaosLoad.java, plain JDK): posts messages n..m of every provider to a hub, in parallel;
# one line per message in acks.txt: "messageId paymentId" when acknowledged, "messageId -" when not
client() { java -cp "$WORK/classes" ChaosLoad "$@"; }
load() {
  client post "$3" "$1" "$2" "$PARALLEL" "$WORK/acks.txt" $PROVIDERS
}

step() { echo "[$(date +%T)] $*"; }

# messages numbered FIRST..LAST (all when not given) acknowledged so far
count_acked() {
  awk -v a="${1:-0}" -v b="${2:-999999999}" \
    '$2 != "-" { k = split($1, p, "-"); if (p[k] + 0 >= a && p[k] + 0 <= b) c++ } END { print c + 0 }' "$WORK/acks.txt"
}

# waits until the load under way (of messages FIRST..LAST, when given) has had a share of its messages
# acknowledged (at most a minute), so that a fault strikes while messages are both acknowledged and in flight
acked_while_loading() {
  local before after
  before=$(count_acked "$@")
  for _ in $(seq 1 120); do
    sleep 0.5
    after=$(count_acked "$@")
    [ $((after - before)) -ge $(( chunk / 10 + 1 )) ] && return 0
  done
}

start_sandbox
start_hub1
FAULTS=()

# the wallet every WaaS message credits, opened once through the hub
open_wallet() {
  curl -s -u $CLIENT -H 'Content-Type: application/json' $HUB1/api/v1/payments -d '{"messageId":"chaos-wallet",
    "operation":"WALLET_OPEN","provider":"waas","currency":"KES",
    "customer":{"name":"Ama Mensah","email":"ama@example.com","phone":"254712345678"}}'
}
wallet=$(open_wallet | jq -r '.paymentId // empty')
[ -n "$wallet" ] || { echo "the hub did not take the WALLET_OPEN: $(open_wallet)" >&2; exit 1; }
for _ in $(seq 1 60); do
  WAAS_WALLET=$(curl -s -u $CLIENT $HUB1/api/v1/payments/$wallet | jq -r '.result.accountNumber // empty')
  [ -n "$WAAS_WALLET" ] && break
  sleep 0.5
done
[ -n "$WAAS_WALLET" ] || { echo "no wallet for the WaaS messages: $(curl -s -u $CLIENT $HUB1/api/v1/payments/$wallet)" >&2; exit 1; }
export WAAS_WALLET CLIENT
chunk=$(( MESSAGES / 8 ))
[ "$chunk" -lt 1 ] && chunk=1
n=1

step "1. steady load"; load $n $((n + chunk - 1)) $HUB1; n=$((n + chunk))

step "2. kill -9 of the hub during submission and dispatch"
load $n $((n + chunk - 1)) $HUB1 & L=$!
acked_while_loading; kill -9 "$HUB1_PID"; FAULTS+=("hub killed (kill -9) under load")
wait $L || true; n=$((n + chunk))
start_hub1

step "3. kill -9 of the database under load; the hub's supervisor restarts it"
restarts_before=$(grep -c "Embedded PostgreSQL restarted" "$WORK/log/hub1.log" || true)
load $n $((n + chunk - 1)) $HUB1 & L=$!
acked_while_loading; kill -9 "$(postgres_pid)"; FAULTS+=("database killed (kill -9) under load, restarted by the hub itself")
for _ in $(seq 1 120); do
  [ "$(grep -c "Embedded PostgreSQL restarted" "$WORK/log/hub1.log" || true)" -gt "$restarts_before" ] && break
  sleep 0.5
done
[ "$(grep -c "Embedded PostgreSQL restarted" "$WORK/log/hub1.log" || true)" -gt "$restarts_before" ] \
  || { echo "the hub did not restart its database" >&2; exit 1; }
wait_up "$HUB1/actuator/health/readiness"
wait $L || true; n=$((n + chunk))

step "4. database frozen 20 s (SIGSTOP) under load"
load $n $((n + chunk - 1)) $HUB1 & L=$!
acked_while_loading; kill -STOP "$(postgres_pid)"; sleep 20; kill -CONT "$(postgres_pid)"; FAULTS+=("database frozen 20 s")
wait $L || true; n=$((n + chunk))

step "5. provider faults: 503s, latency past the read timeout, token expiry"
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/monnify/_control/faults -d '{"failNext": 200, "failStatus": 503}'
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/connect/_control/faults -d '{"failNext": 200, "failStatus": 503, "transfersOnly": true}'
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/dollr/_control/faults -d '{"failNext": 100, "failStatus": 503, "path": "/v1/executions/payout"}'
curl -s -o /dev/null -X POST $SANDBOX/monnify/_control/expire-tokens
curl -s -o /dev/null -X POST $SANDBOX/dollr/_control/expire-tokens
load $n $((n + chunk / 2 - 1)) $HUB1; n=$((n + chunk / 2))
# Dollr turns requests away with 429 and Retry-After (documented: not processed), on every step of its chains
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/dollr/_control/faults -d '{"failNext": 150, "failStatus": 429, "retryAfter": 1, "path": "/v1/"}'
load $n $((n + chunk / 2 - 1)) $HUB1; n=$((n + chunk / 2))
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/monnify/_control/faults -d '{"latencyMs": 35000, "failNext": 0}'
load $n $((n + chunk / 4)) $HUB1; n=$((n + chunk / 4 + 1))
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/monnify/_control/faults -d '{"latencyMs": 0, "failNext": 0}'
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/connect/_control/faults -d '{"failNext": 0}'
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/dollr/_control/faults -d '{"failNext": 0}'
FAULTS+=("provider 503s, Dollr 429s with Retry-After on every step, latency past the read timeout, token expiry")

step "6. two hub instances on one database, one killed mid-run"
start_hub2
load $n $((n + chunk - 1)) $HUB1 & L1=$!
load $((n + chunk)) $((n + 2 * chunk - 1)) $HUB2 & L2=$!
# the kill waits for the second hub's own acknowledgements: that hub must have taken work to lose it
acked_while_loading $((n + chunk)) $((n + 2 * chunk - 1)); kill -9 "$HUB2_PID"
step "   the second hub had acknowledged $(count_acked $((n + chunk)) $((n + 2 * chunk - 1))) of its messages when it was killed"
FAULTS+=("two hubs on one database, the second killed")
wait $L1 $L2 || true; n=$((n + 2 * chunk))

step "7. the clients resend every message that was not acknowledged (same messageId)"
client resend $HUB1 "$PARALLEL" "$WORK/acks.txt"
while [ "$n" -le "$MESSAGES" ]; do load $n $((n + chunk - 1 < MESSAGES ? n + chunk - 1 : MESSAGES)) $HUB1; n=$((n + chunk)); done

step "8. settling: waiting until nothing is ACCEPTED, SUBMITTED or PENDING"
for _ in $(seq 1 120); do
  open=$(client open $HUB1 "$WORK/acks.txt" 300)
  [ "$open" = 0 ] && break
  sleep 10
done

step "9. the proof, from the simulators' own records"
# every acknowledged message asked for; what is still in flight (a slow provider's tail, a recheck not yet due)
# gets a few more minutes
for _ in $(seq 1 20); do
  read -r acked lost open review duplicated missed \
    < <(client verify $HUB1 $SANDBOX "$PARALLEL" "$WORK/acks.txt" "$WORK/counts.md" $PROVIDERS 2>"$WORK/verify.txt")
  [ "$open" = 0 ] && [ "$missed" = 0 ] && break
  sleep 15
done
cat "$WORK/verify.txt"
count=$(wc -w <<<"$PROVIDERS")
minutes=$(( ($(date +%s) - STARTED + 59) / 60 ))

cat <<REPORT | tee "$WORK/report.md"
$((MESSAGES * count)) messages ($MESSAGES for each of: $PROVIDERS), ${#FAULTS[@]} faults, $minutes minutes.

$(cat "$WORK/counts.md")

Faults: $(IFS=';'; echo "${FAULTS[*]}")
REPORT
[ "$lost" = 0 ] && [ "$duplicated" = 0 ] && [ "$open" = 0 ] && [ "$missed" = 0 ]
