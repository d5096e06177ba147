#!/bin/sh
# The hub's class data sharing archive: the JVM's own store of the classes a start loads, already read, parsed
# and verified, which a later start maps from one file (java -XX:SharedArchiveFile=<archive>) instead of finding
# each class in a jar and checking it again. Made by one training start: the hub on a scratch home with its
# embedded PostgreSQL, every bean made (declarations, schemas, mappings, routes, the database migrated), and the
# JVM leaving at the end of the context's refresh (-Dspring.context.exit=onRefresh), writing what it loaded.
#
#   docker/cds-archive.sh <app folder> <archive> <folder with routes/ and mappings/> [java options ...]
#
# <app folder>: the jar extracted for a plain class path (java -Djarmode=tools -jar payment-hub-*.jar extract
# --application-filename payment-hub.jar), run as `java -jar <app folder>/payment-hub.jar`. An archive is only good
# for the java that made it and the same jars at the same paths: make it where the hub runs. A start whose java or
# jars differ ignores it (a warning) and loads its classes as without it. docker/Dockerfile runs this as the image
# is built; .ci/prod-start, scripts/bench.sh and scripts/startup.sh run it too. POSIX sh (the image's sh is dash).
set -eu
app=$1
archive=$2
files=$3
shift 3

scratch=$(mktemp -d "${TMPDIR:-/tmp}/hub-cds.XXXXXX")
finish() {
  # the training JVM halts without its shutdown hooks: its PostgreSQL is stopped here
  pg=$(head -1 "$scratch/home/data/postgres/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pg" ]; then
    kill "$pg" 2>/dev/null || true
    i=0
    while [ -e "$scratch/home/data/postgres/postmaster.pid" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  fi
  rm -rf "$scratch"
}
trap finish EXIT
mkdir -p "$scratch/home" "$scratch/tmp"
cp -r "$files/routes" "$files/mappings" "$scratch/home/"
rm -f "$archive"

# the default profile (the embedded PostgreSQL; the prod profile would want an external server and every secret):
# the classes production loads besides are few, and are loaded as without an archive. The embedded server's
# binaries are unpacked under the scratch folder (java.io.tmpdir), so nothing stays behind in an image layer.
# -Xlog: the classes that cannot be archived (optional libraries absent from the class path) are not warned about
if ! java "$@" -Xlog:cds=off -Xlog:cds+dynamic=info -XX:ArchiveClassesAtExit="$archive" \
    -Dspring.context.exit=onRefresh -Djava.io.tmpdir="$scratch/tmp" -jar "$app/payment-hub.jar" \
    --spring.profiles.active=default --hub.home="$scratch/home" --server.port=0 --hub.sandbox.enabled=false \
    --hub.reload.enabled=false >"$scratch/training.log" 2>&1 || [ ! -s "$archive" ]; then
  echo "cds-archive: the training start failed; its log:" >&2
  tail -40 "$scratch/training.log" >&2
  exit 1
fi
echo "cds-archive: $archive ($(du -m "$archive" | cut -f1) MB)"
