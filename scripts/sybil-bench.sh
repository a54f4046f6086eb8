#!/usr/bin/env bash
# Reproduces the "## Sybil" section of BENCHMARKS.md in one command:
#
#   scripts/sybil-bench.sh [ROUNDS]
#
# 1. Scale: writes (or reuses) the 1,000,000-node, 10,000,000-edge
#    preferential-attachment edge list in $SYBIL_SCALE_DIR (default
#    /tmp/polity-sybil-scale), runs the in-process BenchmarkScale once, then
#    ROUNDS (default 3) rounds of: the scipy SybilRank baseline
#    (scripts/sybilrank_scipy.py), `polity sybil rank` with each method, and
#    the baseline again, back to back, timed with /usr/bin/time. Prints a
#    markdown table: wall and CPU seconds and peak RSS per command and
#    round, and each command's wall and CPU time over the mean of the
#    round's two baseline runs (on a loaded machine CPU time is the steadier
#    of the two).
# 2. Quality: the email-Enron AUC benchmark (BenchmarkEnronAUC), all six
#    settings, printed as markdown tables (SYBIL_AUC_SETTINGS limits them).
#
# Needs Go, /usr/bin/time and, for the baseline, Debian's python3-scipy.
# SYBIL_BENCH_SKIP, a comma-separated list of scale, inprocess and auc,
# skips those parts.
set -euo pipefail

cd "$(dirname "$0")/.."
rounds="${1:-3}"
dir="${SYBIL_SCALE_DIR:-/tmp/polity-sybil-scale}"
skip=",${SYBIL_BENCH_SKIP:-},"
mkdir -p "$dir"
edges="$dir/pa-1m-10m.txt"
seeds="$dir/seeds.txt"
seq 0 99 >"$seeds"

if [[ "$skip" != *,scale,* ]]; then
	echo "### Scale (edge list to scores, 1,000,000 nodes, 10,000,000 edges)"
	echo
fi
if [[ "$skip" != *,scale,* && "$skip" != *,inprocess,* ]]; then
	echo "In-process (go test ./sybil -run '^\$' -bench BenchmarkScale -benchtime=1x -count=1 -cpu=2):"
	echo
	echo '```'
	SYBIL_SCALE_DIR="$dir" go test ./sybil -run '^$' -bench BenchmarkScale -benchtime=1x -count=1 -cpu=2 |
		grep -E '^BenchmarkScale' | tr '\t' ' ' | tr -s ' '
	echo '```'
	echo
fi
if [[ "$skip" != *,scale,* && ! -f "$edges" ]]; then
	# Write the edge list without the rest of the in-process benchmark.
	SYBIL_SCALE_DIR="$dir" go test ./sybil -run '^$' -bench 'BenchmarkScale$' -benchtime=1x -count=1 >/dev/null
fi
if [[ "$skip" != *,scale,* ]]; then
	bin="$dir/polity"
	go build -o "$bin" ./cmd/polity
	have_scipy=0
	if /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
		have_scipy=1
	fi
	methods=(sybilrank sybilscar-d sybilscar-c ppr polity)
	echo "| round | command | wall s | CPU s (user+sys) | peak RSS MB | wall / scipy | CPU / scipy |"
	echo "|---:|---|---:|---:|---:|---:|---:|"
	for r in $(seq 1 "$rounds"); do
		declare -A wall=() cpu=() rss=()
		run() { # name, command...
			local name="$1"
			shift
			/usr/bin/time -o "$dir/time.txt" -f '%e %U %S %M' "$@" >/dev/null 2>&1
			read -r w u s m <"$dir/time.txt"
			wall[$name]="$w"
			cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
			rss[$name]=$((m / 1024))
		}
		# The baseline runs before and after the Go commands; each ratio is
		# over the mean of the two, which halves the drift of a shared machine.
		if ((have_scipy)); then
			run scipy1 /usr/bin/python3 scripts/sybilrank_scipy.py "$edges" "$seeds"
		fi
		for m in "${methods[@]}"; do
			run "$m" "$bin" sybil rank --graph "$edges" --seeds "$seeds" --method "$m"
		done
		if ((have_scipy)); then
			run scipy2 /usr/bin/python3 scripts/sybilrank_scipy.py "$edges" "$seeds"
		fi
		base=$(awk -v a="${wall[scipy1]:-0}" -v b="${wall[scipy2]:-0}" 'BEGIN { printf "%.3f", (a + b) / 2 }')
		cbase=$(awk -v a="${cpu[scipy1]:-0}" -v b="${cpu[scipy2]:-0}" 'BEGIN { printf "%.3f", (a + b) / 2 }')
		for name in "${methods[@]}" scipy1 scipy2; do
			[[ -n "${wall[$name]:-}" ]] || continue
			ratio="n/a"
			cratio="n/a"
			if ((have_scipy)); then
				ratio=$(awk -v a="${wall[$name]}" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
				cratio=$(awk -v a="${cpu[$name]}" -v b="$cbase" 'BEGIN { printf "%.2f", a / b }')
			fi
			label="\`polity sybil rank --method $name\`"
			[[ "$name" == scipy* ]] && label="scipy SybilRank baseline (${name#scipy} of 2)"
			echo "| $r | $label | ${wall[$name]} | ${cpu[$name]} | ${rss[$name]} | $ratio | $cratio |"
		done
		unset wall cpu rss
	done
	echo
fi

if [[ "$skip" != *,auc,* ]]; then
	echo "### Quality (email-Enron AUC, mean ± sd over 5 trials)"
	go test ./sybil -run '^$' -bench BenchmarkEnronAUC -benchtime=1x -count=1 |
		grep -E '^(#|\||$)' | sed 's/^### /#### /' | cat -s
fi
