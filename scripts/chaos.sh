#!/usr/bin/env bash
# Money safety under faults, as a reliability engineer would try it: the hub and the provider simulators run
# as separate processes (so the hub can die while the providers keep their records), messages are posted
# while the script kills the hub (kill -9), kills and freezes its database, injects provider faults and runs
# a second hub on the same database. Then it proves from the simulators' own records:
#   lost       = acknowledged (202) messages the hub no longer knows                      -> must be 0
#   duplicated = messages (by messageId, carried as narration) executed more than once,
#                across every provider and every payment id                              -> must be 0
#   open       = payments neither final nor knowingly in NEEDS_REVIEW after settling       -> must be 0
#
#   scripts/chaos.sh                    # 10,000 messages per provider (Monnify and Connect), every fault
#   MESSAGES=300 scripts/chaos.sh       # a short run
# Needs a JDK 17+, curl, jq. Ports 18080/18081 (hubs) and 18090 (simulators). Work files under target/chaos.
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-10000}
PARALLEL=${PARALLEL:-16}
WORK=$PWD/target/chaos
SANDBOX=http://localhost:18090/sandbox
HUB1=http://localhost:18080
HUB2=http://localhost:18081
CLIENT=demo-erp:demo-erp-secret
rm -rf "$WORK" && mkdir -p "$WORK/hub" "$WORK/log"
cp -r routes mappings "$WORK/hub/"

echo "building the jar"
./mvnw -q -o package -DskipTests 2>/dev/null || ./mvnw -q package -DskipTests
JAR=$(ls target/payment-hub-*.jar | grep -v original | head -1)

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  postgres_pid && kill "$(postgres_pid)" 2>/dev/null || true
}
trap cleanup EXIT

postgres_pid() { head -1 "$WORK/hub/data/postgres/postmaster.pid" 2>/dev/null; }

start_sandbox() {
  java -Dloader.main=africa.sandbox.SandboxApplication -cp "$JAR" org.springframework.boot.loader.launch.PropertiesLauncher \
    --server.port=18090 --sandbox.hub-base-url=$HUB1 --sandbox.data-directory="$WORK/sandbox" \
    >"$WORK/log/sandbox.log" 2>&1 &
  pids+=($!)
  wait_up "$SANDBOX/monnify/_control/stats"
}

hub_args() {
  echo --hub.home="$WORK/hub" --hub.sandbox.enabled=false \
    --hub.providers.monnify.base-url=$SANDBOX/monnify --hub.providers.waas.base-url=$SANDBOX/waas \
    --hub.providers.connect.base-url=$SANDBOX/connect --hub.reload.enabled=false
}

# hub 1 owns the embedded PostgreSQL (data under target/chaos/hub/data)
start_hub1() {
  java -jar "$JAR" --server.port=18080 $(hub_args) >>"$WORK/log/hub1.log" 2>&1 &
  HUB1_PID=$!
  pids+=($HUB1_PID)
  wait_up "$HUB1/actuator/health"
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
  wait_up "$HUB2/actuator/health"
}

wait_up() {
  for _ in $(seq 1 240); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "not up: $1" >&2
  exit 1
}

# one message; prints "messageId paymentId" on 202/200, "messageId -" otherwise (the client will resend)
post_one() {
  local provider=$1 n=$2 hub=$3 id body code out
  id="chaos-$provider-$n"
  if [ "$provider" = monnify ]; then
    body='{"messageId":"'$id'","operation":"PAYOUT","provider":"monnify","amount":{"value":"'$((n % 900 + 100))'.00","currency":"NGN"},
      "destination":{"type":"BANK_ACCOUNT","accountNumber":"2085886393","bankCode":"057","accountName":"Ada Obi"},
      "customer":{"name":"Ada Obi","email":"ada@example.com","phone":"2348012345678"},"narration":"'$id'"}'
  else
    body='{"messageId":"'$id'","operation":"PAYOUT","provider":"connect","amount":{"value":"'$((n % 900 + 100))'.00","currency":"ETB"},
      "destination":{"type":"BANK_ACCOUNT","accountNumber":"1000123456","bankCode":"CBE"},"narration":"'$id'"}'
  fi
  out=$(curl -s -m 15 -u $CLIENT -H 'Content-Type: application/json' -w '\n%{http_code}' "$hub/api/v1/payments" -d "$body" || true)
  code=$(tail -1 <<<"$out")
  if [ "$code" = 202 ] || [ "$code" = 200 ]; then
    echo "$id $(head -1 <<<"$out" | jq -r .paymentId)"
  else
    echo "$id -"
  fi
}
export -f post_one
export CLIENT

# posts messages n..m of both providers to a hub, in parallel; acknowledgements go to acks.txt
load() {
  local from=$1 to=$2 hub=$3
  for n in $(seq "$from" "$to"); do echo "monnify $n $hub"; echo "connect $n $hub"; done \
    | xargs -P "$PARALLEL" -n 3 bash -c 'post_one "$@"' _ >>"$WORK/acks.txt"
}

step() { echo "[$(date +%T)] $*"; }

start_sandbox
start_hub1
FAULTS=()
chunk=$(( MESSAGES / 8 ))
[ "$chunk" -lt 1 ] && chunk=1
n=1

step "1. steady load"; load $n $((n + chunk - 1)) $HUB1; n=$((n + chunk))

step "2. kill -9 of the hub during submission and dispatch"
load $n $((n + chunk - 1)) $HUB1 & L=$!
sleep 3; kill -9 "$HUB1_PID"; FAULTS+=("hub killed (kill -9) under load")
wait $L || true; n=$((n + chunk))
start_hub1

step "3. kill -9 of the database under load; the hub's supervisor restarts it"
restarts_before=$(grep -c "Embedded PostgreSQL restarted" "$WORK/log/hub1.log" || true)
load $n $((n + chunk - 1)) $HUB1 & L=$!
sleep 3; kill -9 "$(postgres_pid)"; FAULTS+=("database killed (kill -9) under load, restarted by the hub itself")
for _ in $(seq 1 120); do
  [ "$(grep -c "Embedded PostgreSQL restarted" "$WORK/log/hub1.log" || true)" -gt "$restarts_before" ] && break
  sleep 0.5
done
[ "$(grep -c "Embedded PostgreSQL restarted" "$WORK/log/hub1.log" || true)" -gt "$restarts_before" ] \
  || { echo "the hub did not restart its database" >&2; exit 1; }
wait_up "$HUB1/actuator/health"
wait $L || true; n=$((n + chunk))

step "4. database frozen 20 s (SIGSTOP) under load"
load $n $((n + chunk - 1)) $HUB1 & L=$!
sleep 2; kill -STOP "$(postgres_pid)"; sleep 20; kill -CONT "$(postgres_pid)"; FAULTS+=("database frozen 20 s")
wait $L || true; n=$((n + chunk))

step "5. provider faults: 503s, latency past the read timeout, token expiry"
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/monnify/_control/faults -d '{"failNext": 200, "failStatus": 503}'
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/connect/_control/faults -d '{"failNext": 200, "failStatus": 503, "transfersOnly": true}'
curl -s -o /dev/null -X POST $SANDBOX/monnify/_control/expire-tokens
load $n $((n + chunk - 1)) $HUB1; n=$((n + chunk))
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/monnify/_control/faults -d '{"latencyMs": 35000, "failNext": 0}'
load $n $((n + chunk / 4)) $HUB1; n=$((n + chunk / 4 + 1))
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/monnify/_control/faults -d '{"latencyMs": 0, "failNext": 0}'
curl -s -o /dev/null -H 'Content-Type: application/json' $SANDBOX/connect/_control/faults -d '{"failNext": 0}'
FAULTS+=("provider 503s, latency past the read timeout, token expiry")

step "6. two hub instances on one database, one killed mid-run"
start_hub2
load $n $((n + chunk - 1)) $HUB1 & L1=$!
load $((n + chunk)) $((n + 2 * chunk - 1)) $HUB2 & L2=$!
sleep 4; kill -9 "$HUB2_PID"; FAULTS+=("two hubs on one database, the second killed")
wait $L1 $L2 || true; n=$((n + 2 * chunk))

step "7. the clients resend every message that was not acknowledged (same messageId)"
awk '$2 == "-" {split($1, a, "-"); print a[2], a[3], "'$HUB1'"}' "$WORK/acks.txt" | sort -u \
  | xargs -P "$PARALLEL" -n 3 bash -c 'post_one "$@"' _ >>"$WORK/acks.txt"
while [ "$n" -le "$MESSAGES" ]; do load $n $((n + chunk - 1 < MESSAGES ? n + chunk - 1 : MESSAGES)) $HUB1; n=$((n + chunk)); done

step "8. settling: waiting until nothing is ACCEPTED, SUBMITTED or PENDING"
for _ in $(seq 1 120); do
  open=$(awk '$2 != "-" {print $2}' "$WORK/acks.txt" | sort -u | shuf -n 200 | while read -r p; do
           curl -s -u $CLIENT "$HUB1/api/v1/payments/$p" | jq -r .status; done | grep -cE 'ACCEPTED|SUBMITTED|PENDING' || true)
  [ "$open" = 0 ] && break
  sleep 10
done

step "9. the proof, from the simulators' own records"
curl -s $SANDBOX/monnify/_control/executed >"$WORK/monnify-executed.json"
curl -s $SANDBOX/connect/_control/executed >"$WORK/connect-executed.json"
acked=$(awk '$2 != "-" {print $1}' "$WORK/acks.txt" | sort -u | wc -l)
lost=0; open=0; review=0
while read -r mid pid; do
  status=$(curl -s -u $CLIENT "$HUB1/api/v1/payments?messageId=$mid" | jq -r '.payments[0].status // "LOST"')
  case "$status" in
    LOST) lost=$((lost + 1)); echo "lost: $mid ($pid)" ;;
    ACCEPTED|SUBMITTED|PENDING) open=$((open + 1)) ;;
    NEEDS_REVIEW) review=$((review + 1)) ;;
  esac
done < <(awk '$2 != "-"' "$WORK/acks.txt" | sort -u -k1,1)
duplicated=$(jq -s 'add | group_by(.narration) | map(select(length > 1)) | length' \
  "$WORK/monnify-executed.json" "$WORK/connect-executed.json")
executed=$(jq -s 'add | length' "$WORK/monnify-executed.json" "$WORK/connect-executed.json")

cat <<REPORT | tee "$WORK/report.md"
| messages | acknowledged | executed at providers | lost | duplicated | still open | in review |
|---|---|---|---|---|---|---|
| $((MESSAGES * 2)) | $acked | $executed | $lost | $duplicated | $open | $review |

Faults: $(IFS=';'; echo "${FAULTS[*]}")
REPORT
[ "$lost" = 0 ] && [ "$duplicated" = 0 ] && [ "$open" = 0 ]
