#!/usr/bin/env bash
# Start to healthy, the hub alone (its embedded PostgreSQL, no simulators, no load), as scripts/bench.sh starts it
# (same JVM options, same arguments), N times on a fresh hub home (the embedded PostgreSQL runs initdb) and N times
# on that same home again (its data directory already initialised). For each start it prints the wall time from
# `java` to /actuator/health UP (polled every 50 ms), the JVM's own CPU time until then (/proc/<pid>/stat utime +
# stime: less distorted than wall time by other work on the machine) and its reaped children's (initdb, pg_ctl;
# the PostgreSQL server itself runs detached and is not counted); then the median of each.
#
#   scripts/startup.sh                       # builds target/payment-hub-*.jar if missing, 3 starts of each kind
#   N=5 scripts/startup.sh
#   JAR=/tmp/old.jar scripts/startup.sh      # another build
#   CDS=1 scripts/startup.sh                 # as the image starts it: the jar extracted (java -Djarmode=tools ...
#                                            # extract), a class data sharing archive made by one training run, then
#                                            # -XX:SharedArchiveFile (docker/Dockerfile does the same)
#   EXTRACTED=1 scripts/startup.sh          # the jar extracted, without the archive
#   STEPS=1 scripts/startup.sh               # one more start recording Spring's startup steps
#                                            # (scripts/StartupSteps.java): target/startup/steps.txt
#   HUB_JAVA_OPTS="-Xmx512m" HUB_ARGS="--hub.x=y" scripts/startup.sh
# Run it alone (other benchmarks distort it): flock /work/notes/suite.lock scripts/startup.sh on a shared machine.
# Needs a JDK 17+ and curl. Port PORT (default 18380). Files under target/startup.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-3}
PORT=${PORT:-18380}
# scripts/bench.sh's hub options (the settings docs/benchmarks/README.md recommends for a hub within 512 MB)
HUB_JAVA_OPTS=${HUB_JAVA_OPTS-"-Xms256m -Xmx256m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:+UseSerialGC"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=${WORK:-$PWD/target/startup}
HUB=http://localhost:$PORT
TICK_MS=$(( 1000 / $(getconf CLK_TCK) ))

if [ -z "${JAR:-}" ]; then
  if ! ls target/payment-hub-*.jar >/dev/null 2>&1; then
    echo "building the jar" >&2
    ./mvnw -q -o package -DskipTests >/dev/null 2>&1 || ./mvnw -q package -DskipTests >/dev/null
  fi
  JAR=$(ls target/payment-hub-*.jar | grep -v original | head -1)
fi
if curl -s -o /dev/null "$HUB"; then
  echo "port $PORT is in use" >&2
  exit 1
fi
rm -rf "$WORK" && mkdir -p "$WORK/log"

hub_pid=""
home=""
stop_hub() {
  [ -n "$hub_pid" ] || return 0
  kill "$hub_pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$hub_pid" 2>/dev/null || true
  wait "$hub_pid" 2>/dev/null || true
  # the hub stops its PostgreSQL as it exits; one left behind (a hub killed) is stopped here
  local pg
  pg=$(head -1 "$home/data/postgres/postmaster.pid" 2>/dev/null) && kill "$pg" 2>/dev/null || true
  for _ in $(seq 1 100); do [ -e "$home/data/postgres/postmaster.pid" ] || break; sleep 0.1; done
  hub_pid=""
}
trap stop_hub EXIT

# how the hub is launched: the jar as it is, or (CDS=1) extracted with a class data sharing archive
LAUNCH=(-jar "$JAR")
extract() {
  [ -e "$WORK/app/payment-hub.jar" ] || \
    java -Djarmode=tools -jar "$JAR" extract --application-filename payment-hub.jar --destination "$WORK/app" >/dev/null
}
if [ -n "${CDS:-}" ]; then
  echo "extracting the jar and recording the class data sharing archive (a training start)" >&2
  extract
  # shellcheck disable=SC2086
  docker/cds-archive.sh "$WORK/app" "$WORK/app/hub.jsa" . $HUB_JAVA_OPTS >&2
  LAUNCH=(-XX:SharedArchiveFile="$WORK/app/hub.jsa" -jar "$WORK/app/payment-hub.jar")
elif [ -n "${EXTRACTED:-}" ]; then
  extract
  LAUNCH=(-jar "$WORK/app/payment-hub.jar")
fi

# start <home> <label>: one start to healthy; appends "wall_ms jvm_cpu_ms children_cpu_ms" to $WORK/<label>
start() {
  home=$1
  local label=$2 started healthy_ms
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  java $HUB_JAVA_OPTS "${LAUNCH[@]}" --server.port="$PORT" --hub.home="$home" --hub.sandbox.enabled=false \
    --hub.reload.enabled=false ${HUB_ARGS:-} >>"$WORK/log/$label.log" 2>&1 &
  hub_pid=$!
  for _ in $(seq 1 2400); do
    curl -fs -o /dev/null "$HUB/actuator/health" && break
    kill -0 "$hub_pid" 2>/dev/null || { echo "the hub exited: $WORK/log/$label.log" >&2; tail -20 "$WORK/log/$label.log" >&2; exit 1; }
    sleep 0.05
  done
  healthy_ms=$(( ($(date +%s%N) - started) / 1000000 ))
  read -r jvm kids < <(awk -v t="$TICK_MS" '{print ($14 + $15) * t, ($16 + $17) * t}' "/proc/$hub_pid/stat")
  # the JVM's CPU by thread: main (named "java": the launcher's thread runs main and the context's refresh), the
  # JIT compilers (those still running), the rest (GC, the embedded database's supervisor, Tomcat, Camel)
  read -r main jit < <(for d in /proc/"$hub_pid"/task/*; do
      printf '%s\t%s\n' "$(cat "$d/comm" 2>/dev/null)" "$(sed 's/.*) //' "$d/stat" 2>/dev/null | awk '{print $12 + $13}')"
    done | awk -F'\t' -v t="$TICK_MS" '$1 == "java" {m += $2} $1 ~ /^C[12] Compiler/ {j += $2} END {print m * t, j * t}')
  echo "$healthy_ms $jvm $kids $main $jit" >>"$WORK/$label"
  printf '%-9s start %d: healthy after %5d ms, JVM CPU %5d ms (main thread %5d, JIT %5d), children CPU %4d ms\n' \
    "$label" "$3" "$healthy_ms" "$jvm" "$main" "$jit" "$kids"
  stop_hub
}

for i in $(seq 1 "$N"); do
  h=$WORK/home-$i
  mkdir -p "$h" && cp -r routes mappings "$h/"
  start "$h" fresh "$i"
  start "$h" existing "$i"
done

median() {  # median of column $2 of file $1
  sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}
echo
echo "| start ($N each, ${CDS:+CDS archive, }${EXTRACTED:+extracted, }Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)), medians | healthy after | JVM CPU to healthy | of it main thread | of it JIT | children CPU |"
echo "|---|---|---|---|---|---|"
for label in fresh existing; do
  echo "| $label home | $(median "$WORK/$label" 1) ms | $(median "$WORK/$label" 2) ms | $(median "$WORK/$label" 4) ms | $(median "$WORK/$label" 5) ms | $(median "$WORK/$label" 3) ms |"
done

if [ -n "${STEPS:-}" ]; then
  # Spring's startup steps (BufferingApplicationStartup) of one more start on an existing home: the hub's classes
  # on the class path of a small launcher (scripts/StartupSteps.java), which prints the slowest steps and exits
  extract
  home=$WORK/home-1
  # shellcheck disable=SC2086
  java $HUB_JAVA_OPTS -cp "$WORK/app/payment-hub.jar" scripts/StartupSteps.java --server.port="$PORT" \
    --hub.home="$home" --hub.sandbox.enabled=false --hub.reload.enabled=false ${HUB_ARGS:-} \
    >"$WORK/steps.txt" 2>"$WORK/log/steps.log"
  pg=$(head -1 "$home/data/postgres/postmaster.pid" 2>/dev/null) && kill "$pg" 2>/dev/null || true
  echo "Spring's startup steps: $WORK/steps.txt"
fi
