#!/usr/bin/env bash
# Regenerates every figure of BENCHMARKS.md (except its Sybil section) in one run: the Go
# benchmarks, `polity bench` beside the Node.js and aries peers on the same credentials,
# and the raw signature floors. Options: scripts/benchmarks.sh --help.
#
#   scripts/benchmarks.sh           # full run (several minutes), rewrites BENCHMARKS.md
#   scripts/benchmarks.sh --quick   # smoke run, prints the tables on stdout
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/benchmd "$@"
