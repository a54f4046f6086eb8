#!/usr/bin/env bash
# Runs the tests of the packages with concurrency under the race detector: the DID
# resolver cache (did, did/web), the status list checker cache (vc/status), the
# verifier and its JSON-LD context caches (vc, vc/dataintegrity, internal/jsonld,
# internal/canon, internal/jsonx), the wallet, the door, the VC-API server, sybil's
# parallel ranking and edge-list reader, vote, the fetcher, and the hostile-input
# suite (which drives several of them at once).
#
#   RACEPKGS   optional space-separated package list to run instead
#
# -race needs cgo; the script fails loudly if it is not available.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
pkgs=(
	./did ./did/web
	./internal/canon ./internal/fetch ./internal/jsonld ./internal/jsonx ./internal/hostile
	./vc ./vc/dataintegrity ./vc/status
	./wallet ./door ./vcapi ./sybil ./vote
)
if [[ -n "${RACEPKGS:-}" ]]; then
	read -r -a pkgs <<<"$RACEPKGS"
fi
echo "== go test -race ${pkgs[*]}"
CGO_ENABLED=1 go test -race -count=1 -timeout 15m "${pkgs[@]}"
