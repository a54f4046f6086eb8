#!/usr/bin/env bash
# Polity <-> Digital Bazaar interoperability, both directions, offline.
#
#   1. Polity issues a credential for every shared suite (the polity CLI for Data
#      Integrity proofs, signjwt for vc+jwt and JWT-VC) and presents some of them
#      (`polity vp create`: Data Integrity eddsa-rdfc-2022 and ecdsa-rdfc-2019, vp+jwt),
#      plus a tampered copy of each; `polity vp verify` checks its own presentations;
#   2. node verify.mjs checks them: originals verify, tampered copies are rejected, and
#      every presentation is rejected for a wrong challenge and a wrong domain;
#   3. node issue.mjs issues a fresh set, and `polity vc verify` / `polity vp verify`
#      check each: exit 0 for originals, exit 1 with INVALID_SIGNATURE for tampered
#      copies, CHALLENGE_MISMATCH / DOMAIN_MISMATCH for a wrong challenge / domain.
#
# Needs Go, Node 20+ and `npm ci` run in this directory. Exits non-zero on any mismatch.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ ! -d "$here/node_modules" ]; then
	echo "interop/node: run 'npm ci' in $here first" >&2
	exit 2
fi

cd "$root"
go build -o "$tmp/polity" ./cmd/polity
go build -o "$tmp/signjwt" ./interop/node/signjwt
polity="$tmp/polity"
now="2025-06-01T00:00:00Z"
created="2024-03-01T00:00:00Z"
challenge="polity-interop-challenge" # verify.mjs's default
domain="door.example"

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# --- 1. Polity issues -------------------------------------------------------------
out="$tmp/polity-issued"
mkdir -p "$out"
ed=$("$polity" did new --type ed25519 --out "$tmp/ed25519.jwk")
p256=$("$polity" did new --type p256 --out "$tmp/p256.jwk")
p384=$("$polity" did new --type p384 --out "$tmp/p384.jwk")
subject=$("$polity" did new --type ed25519 --out "$tmp/subject.jwk")
holder256=$("$polity" did new --type p256 --out "$tmp/holder-p256.jwk")

membership() { # ISSUER N [SUBJECT]: VCDM 2.0 Polity MembershipCredential
	cat <<EOF
{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://polity.id/ns/v1"],
  "id": "urn:uuid:0b5e3c4d-1f2a-4e6b-9c7d-00000000010$2",
  "type": ["VerifiableCredential", "MembershipCredential"],
  "issuer": "$1",
  "validFrom": "2024-03-01T00:00:00Z",
  "validUntil": "2099-03-01T00:00:00Z",
  "credentialSubject": {
    "id": "${3:-$subject}",
    "community": "$1",
    "role": "moderator",
    "memberSince": "2024-03-01T00:00:00Z"
  }
}
EOF
}

rich() { # ISSUER: language maps, issuer object, nested node, numbers, booleans, arrays
	cat <<EOF
{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
  "id": "http://university.example/credentials/3733",
  "type": ["VerifiableCredential", "ExampleDegreeCredential"],
  "issuer": {"id": "$1", "name": "Université d’Exemple"},
  "name": [
    {"@value": "Diplôme de licence", "@language": "fr"},
    {"@value": "Bachelor degree", "@language": "en"}
  ],
  "description": "Line one\nline two with \"quotes\" and a tab\t✓",
  "validFrom": "2024-03-01T00:00:00Z",
  "credentialSubject": {
    "id": "$subject",
    "degree": {"type": "ExampleBachelorDegree", "subtype": "Bachelor of Science and Arts"},
    "gpa": 3.75,
    "credits": 180,
    "honours": true,
    "tags": ["civic", "assembly"]
  }
}
EOF
}

membership11() { # ISSUER: VCDM 1.1 MembershipCredential
	cat <<EOF
{
  "@context": ["https://www.w3.org/2018/credentials/v1", "https://polity.id/ns/v1"],
  "id": "urn:uuid:0b5e3c4d-1f2a-4e6b-9c7d-0000000001a1",
  "type": ["VerifiableCredential", "MembershipCredential"],
  "issuer": "$1",
  "issuanceDate": "2024-03-01T00:00:00Z",
  "expirationDate": "2099-03-01T00:00:00Z",
  "credentialSubject": {
    "id": "$subject",
    "community": "$1",
    "role": "moderator",
    "memberSince": "2024-03-01T00:00:00Z"
  }
}
EOF
}

issue_di() { # NAME SUITE KEYFILE TEMPLATE-FILE
	"$polity" vc issue --key "$3" --suite "$2" --created "$created" "$4" >"$out/$1.json"
	node "$here/tamper.mjs" "$out/$1.json" "$out/$1.tampered.json"
}

issue_jwt() { # NAME FORM KEYFILE TEMPLATE-FILE
	"$tmp/signjwt" --key "$3" --form "$2" "$4" >"$out/$1.jwt"
	node "$here/tamper.mjs" "$out/$1.jwt" "$out/$1.tampered.jwt"
}

membership "$ed" 1 >"$tmp/m-ed.json"
membership "$p256" 2 >"$tmp/m-p256.json"
membership "$p384" 3 >"$tmp/m-p384.json"
rich "$ed" >"$tmp/r-ed.json"
rich "$p256" >"$tmp/r-p256.json"
membership11 "$ed" >"$tmp/m11-ed.json"
membership11 "$p256" >"$tmp/m11-p256.json"

issue_di eddsa-rdfc-2022-membership eddsa-rdfc-2022 "$tmp/ed25519.jwk" "$tmp/m-ed.json"
issue_di eddsa-rdfc-2022-rich eddsa-rdfc-2022 "$tmp/ed25519.jwk" "$tmp/r-ed.json"
issue_di eddsa-jcs-2022-membership eddsa-jcs-2022 "$tmp/ed25519.jwk" "$tmp/m-ed.json"
issue_di eddsa-jcs-2022-rich eddsa-jcs-2022 "$tmp/ed25519.jwk" "$tmp/r-ed.json"
issue_di ecdsa-rdfc-2019-p256-membership ecdsa-rdfc-2019 "$tmp/p256.jwk" "$tmp/m-p256.json"
issue_di ecdsa-rdfc-2019-p256-rich ecdsa-rdfc-2019 "$tmp/p256.jwk" "$tmp/r-p256.json"
issue_di ecdsa-rdfc-2019-p384-membership ecdsa-rdfc-2019 "$tmp/p384.jwk" "$tmp/m-p384.json"
issue_di ecdsa-jcs-2019-p256-membership ecdsa-jcs-2019 "$tmp/p256.jwk" "$tmp/m-p256.json"
issue_di ecdsa-jcs-2019-p384-membership ecdsa-jcs-2019 "$tmp/p384.jwk" "$tmp/m-p384.json"
issue_di ed25519signature2020-v11-membership Ed25519Signature2020 "$tmp/ed25519.jwk" "$tmp/m11-ed.json"
issue_jwt vc-jwt-eddsa-membership vc+jwt "$tmp/ed25519.jwk" "$tmp/m-ed.json"
issue_jwt vc-jwt-es256-membership vc+jwt "$tmp/p256.jwk" "$tmp/m-p256.json"
issue_jwt vc-jwt-es384-membership vc+jwt "$tmp/p384.jwk" "$tmp/m-p384.json"
issue_jwt jwt-vc-v11-eddsa jwt-vc "$tmp/ed25519.jwk" "$tmp/m11-ed.json"
issue_jwt jwt-vc-v11-es256 jwt-vc "$tmp/p256.jwk" "$tmp/m11-p256.json"

# Presentations: the holder is the subject of every credential it presents.
present() { # NAME EXT KEYFILE FORMAT SUITE CRED...
	local name=$1 ext=$2 key=$3 format=$4 suite=$5
	shift 5
	"$polity" vp create --key "$key" --format "$format" ${suite:+--suite "$suite"} \
		--challenge "$challenge" --domain "$domain" --created "$created" "$@" >"$out/$name.$ext"
	node "$here/tamper.mjs" "$out/$name.$ext" "$out/$name.tampered.$ext"
}

membership "$p256" 4 "$holder256" >"$tmp/m-p256-holder.json"
"$polity" vc issue --key "$tmp/p256.jwk" --suite ecdsa-rdfc-2019 --created "$created" \
	"$tmp/m-p256-holder.json" >"$tmp/ecdsa-p256-holder.json"
present eddsa-rdfc-2022-presentation json "$tmp/subject.jwk" di "" \
	"$out/eddsa-rdfc-2022-membership.json"
present eddsa-rdfc-2022-presentation-two-credentials json "$tmp/subject.jwk" di eddsa-rdfc-2022 \
	"$out/eddsa-rdfc-2022-membership.json" "$out/ecdsa-rdfc-2019-p256-membership.json"
present ecdsa-rdfc-2019-p256-presentation json "$tmp/holder-p256.jwk" di ecdsa-rdfc-2019 \
	"$tmp/ecdsa-p256-holder.json"
present vp-jwt-eddsa-enveloped jwt "$tmp/subject.jwk" jwt "" \
	"$out/vc-jwt-eddsa-membership.jwt" "$out/vc-jwt-es256-membership.jwt" "$out/jwt-vc-v11-eddsa.jwt"

# verify_cli EXPECT ARGS...: runs polity ARGS; EXPECT is "valid" (exit 0) or the error
# code of an exit-1 result.
verify_cli() {
	local expect=$1
	shift
	set +e
	"$polity" "$@" >"$tmp/result.json" 2>"$tmp/stderr.txt"
	local code=$?
	set -e
	if [ "$expect" = "valid" ]; then
		if [ "$code" -eq 0 ]; then pass; else fail "polity $*: exit $code: $(cat "$tmp/result.json" "$tmp/stderr.txt")"; fi
	elif [ "$code" -eq 1 ] && grep -q "\"code\":\"$expect\"" "$tmp/result.json"; then
		pass
	else
		fail "polity $*: exit $code, want 1 and $expect: $(cat "$tmp/result.json" "$tmp/stderr.txt")"
	fi
}

# verify_vp FILE EXPECT: the presentation as issued, and for a valid one a wrong challenge
# and a wrong domain.
verify_vp() {
	verify_cli "$2" vp verify --now "$now" --challenge "$challenge" --domain "$domain" "$1"
	if [ "$2" = "valid" ]; then
		verify_cli CHALLENGE_MISMATCH vp verify --now "$now" --challenge other-challenge --domain "$domain" "$1"
		verify_cli DOMAIN_MISMATCH vp verify --now "$now" --challenge "$challenge" --domain other.example "$1"
	fi
}

echo "== Polity -> Polity: polity vp verify on Polity's presentations"
for f in "$out"/*presentation*.json "$out"/vp-jwt-*.jwt; do
	case "$f" in
	*.tampered.*) verify_vp "$f" INVALID_SIGNATURE ;;
	*) verify_vp "$f" valid ;;
	esac
done

# --- 2. Node verifies Polity's credentials ----------------------------------------
echo "== Polity -> Node: node verify.mjs"
if node "$here/verify.mjs" "$out" >"$tmp/node-verify.json"; then
	:
else
	cat "$tmp/node-verify.json" >&2
fi
# count per file from the summary (ok: true/false)
read -r ok bad < <(node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const r of s.results) if (!r.ok) console.error(`FAIL: node ${r.file}: expected ${r.expect}, got ${r.got}: ${r.error ?? ""}`);
console.log(s.ok, s.unexpected);' "$tmp/node-verify.json")
passed=$((passed + ok))
failed=$((failed + bad))
echo "node verified $ok of $((ok + bad)) Polity credentials and presentations as expected"

# Node must reject every Polity presentation for a wrong challenge or domain.
wrong="$tmp/polity-presentations"
mkdir -p "$wrong"
cp "$out"/*presentation*.json "$out"/vp-jwt-*.jwt "$wrong/"
for opt in "--challenge other-challenge" "--domain other.example"; do
	# shellcheck disable=SC2086 # $opt is two words
	if node "$here/verify.mjs" "$wrong" $opt --expect-invalid >"$tmp/node-wrong.json"; then
		pass
	else
		fail "node accepts a Polity presentation with $opt: $(cat "$tmp/node-wrong.json")"
	fi
done

# --- 3. Polity verifies Node's credentials ----------------------------------------
echo "== Node -> Polity: polity vc verify, polity vp verify"
in="$tmp/node-issued"
node "$here/issue.mjs" "$in" >/dev/null
seen=0
while read -r file expect kind; do
	seen=$((seen + 1))
	if [ "$kind" = "presentation" ]; then
		verify_vp "$in/$file" "$expect"
	else
		verify_cli "$expect" vc verify --now "$now" "$in/$file"
	fi
done < <(node -e '
const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (m.challenge !== process.argv[2] || m.domain !== process.argv[3]) throw new Error("manifest challenge/domain differ from run.sh");
for (const f of m.fixtures) console.log(f.file, f.expect, f.kind);' "$in/manifest.json" "$challenge" "$domain")
if [ "$seen" -lt 30 ]; then
	fail "only $seen Node fixtures read from $in/manifest.json"
fi

echo "interop/node: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
