#!/usr/bin/env bash
# The hostile-input fuzz at full size: 5,000 requests generated from a seed against every door of the hub
# (HostileFuzzTest, which the suite runs with 1,500), over real HTTP against the test context. No answer may
# be a 5xx and every 4xx must be a problem document; a failure names its seed and request.
#   scripts/fuzz.sh [requests] [seed]      e.g. scripts/fuzz.sh 20000 7
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS="${1:-5000}"
SEED="${2:-25}"
./mvnw -B -ntp -q test -Dtest=HostileFuzzTest -Dfuzz.requests="$REQUESTS" -Dfuzz.seed="$SEED" -Dsurefire.failIfNoSpecifiedTests=false
grep -h "^Fuzz:" target/surefire-reports/africa.payhub.HostileFuzzTest-output.txt || true
grep -o 'time="[0-9.]*"' target/surefire-reports/TEST-africa.payhub.HostileFuzzTest.xml | head -1
