#!/usr/bin/env bash
# Runs every test: unit, mock-API, chart and real-Cassandra tests (see docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
