#!/usr/bin/env bash
# The offline check: every provider declaration (schema, names, JSLT compiled), every route file (Camel's YAML
# DSL schema, loaded without starting), every mapping (compiled) and every mapping fixture, with nothing started.
# Prints each finding as file:line: rule and exits 1 when there is any. Needs only a JDK (17+).
#   scripts/check.sh              # this checkout
#   scripts/check.sh /srv/hub     # another hub home (its routes/ and mappings/)
set -euo pipefail
cd "$(dirname "$0")/.."
home="$(cd "${1:-.}" && pwd)"
exec ./mvnw -q -B -ntp compile exec:java@check -Dcheck.home="$home"
