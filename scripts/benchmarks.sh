#!/usr/bin/env bash
# Regenerates the figures of BENCHMARKS.md in one run: the Go benchmarks, `polity bench`
# beside the Node.js and aries peers on the same credentials, and the raw signature
# floors. Options: scripts/benchmarks.sh --help.
#
#   scripts/benchmarks.sh           # full run (several minutes), rewrites BENCHMARKS.md
#   scripts/benchmarks.sh --quick   # smoke run, prints the tables on stdout
#   scripts/benchmarks.sh --all     # the full run, then scripts/sybil-bench.sh, whose
#                                   # tables replace the "Latest run" part of the Sybil
#                                   # section (about 10 more minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
all=false
args=()
for a in "$@"; do
	if [[ "$a" == "--all" ]]; then all=true; else args+=("$a"); fi
done
go run ./scripts/benchmd "${args[@]}"
if ! $all; then
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
	echo "<!-- sybil-latest:begin: written by scripts/benchmarks.sh --all -->"
	echo
	echo "### Latest run ($(date -u '+%Y-%m-%d %H:%M UTC'), scripts/sybil-bench.sh)"
	echo
	scripts/sybil-bench.sh
	echo
	echo "<!-- sybil-latest:end -->"
} >"$out"
# Replace the previous latest run (or append one) at the end of the Sybil section, the
# last section of the file; the text above it is kept as written.
awk -v repl="$out" '
	/^<!-- sybil-latest:begin/ { skip = 1; next }
	/^<!-- sybil-latest:end/ { skip = 0; next }
	skip { next }
	/^$/ { blank++; next }
	{ while (blank > 0) { print ""; blank-- } print }
	END { print ""; while ((getline line < repl) > 0) print line }
' BENCHMARKS.md >BENCHMARKS.md.new
mv BENCHMARKS.md.new BENCHMARKS.md
