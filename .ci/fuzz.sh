#!/usr/bin/env bash
# Runs every FuzzXxx target of the module for a short time. Go fuzzes one target per
# process, so each package's test binary is built once with fuzzing instrumentation
# (go test -c -fuzz) and then run once per target, from the package directory so the
# seed corpus in testdata/fuzz is used. Targets are found with grep: a new FuzzXxx is
# picked up without editing this file. Budget: ~50 targets x 2s plus the builds, about
# 3 minutes on two idle cores.
#
#   FUZZTIME   time per target (default 2s; any -fuzztime value, such as 10m or 100000x)
#   FUZZPKGS   optional space-separated package directories (./did ./vc/status)
#
# A failing input is written to the package's testdata/fuzz/FuzzXxx/ directory, where a
# plain `go test` replays it. SECURITY.md describes the longer local run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
fuzztime="${FUZZTIME:-2s}"
module=$(go list -m)
cache="$(go env GOCACHE)/fuzz"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

if [[ -n "${FUZZPKGS:-}" ]]; then
	read -r -a dirs <<<"$FUZZPKGS"
else
	mapfile -t dirs < <(grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
		grep -v -e '^\./interop/' -e '/node_modules/' | xargs -n1 dirname | sort -u)
fi

failed=()
total=0
start=$SECONDS
for dir in "${dirs[@]}"; do
	dir="./${dir#./}"
	pkg="$module/${dir#./}"
	exe="$bin/$(echo "${dir#./}" | tr / _).test"
	mapfile -t targets < <(grep -h -o -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' "$dir"/*_test.go |
		sed -e 's/^func //' -e 's/(.*//')
	echo "== build $dir (${#targets[@]} targets)"
	if ! go test -c -fuzz=. -vet=off -o "$exe" "$dir"; then
		failed+=("$dir (build)")
		total=$((total + ${#targets[@]}))
		continue
	fi
	for name in "${targets[@]}"; do
		total=$((total + 1))
		echo "== $dir $name ($fuzztime)"
		if ! (cd "$root/$dir" && "$exe" -test.run='^$' -test.fuzz="^${name}\$" -test.fuzztime="$fuzztime" \
			-test.fuzzcachedir="$cache/$pkg" >"$bin/out" 2>&1); then
			# Go's fuzzer can report "context deadline exceeded" when the time is up while
			# it is still handling a new input; a real failure always writes its input.
			if grep -q 'context deadline exceeded' "$bin/out" && ! grep -q 'Failing input written' "$bin/out"; then
				echo "   (stopped at the deadline while handling an input: not a failure)"
				continue
			fi
			cat "$bin/out"
			failed+=("$dir $name")
		fi
	done
done
echo "== fuzz: $total targets in $((SECONDS - start))s, ${#failed[@]} failed"
if ((${#failed[@]})); then
	printf '   %s\n' "${failed[@]}"
	exit 1
fi
