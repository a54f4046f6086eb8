// issue.mjs DIR: issues a fixed set of credentials and presentations with Digital
// Bazaar's libraries (and jose for vc+jwt / JWT-VC) into DIR, each with a tampered copy,
// and writes DIR/manifest.json describing them.
//
// Keys are fixed (see lib.mjs) and every date is fixed, so Ed25519 outputs are identical on
// every run; ECDSA signatures are randomized and change on each run.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import * as jose from 'jose';
import * as vc from '@digitalbazaar/vc';

import {
  algFor, envelope, issuerKeys, makeDocumentLoader, signingSuite, stableJSON,
  tamperCredential, tamperJWT, tamperPresentation
} from './lib.mjs';

const DATE = '2024-03-01T00:00:00Z';
const UNTIL = '2099-03-01T00:00:00Z';
const CHALLENGE = 'polity-interop-challenge';
const DOMAIN = 'door.example';

const dir = process.argv[2] || 'fixtures';
mkdirSync(dir, {recursive: true});
const documentLoader = makeDocumentLoader();
const keys = await issuerKeys();
const manifest = {
  generator: 'interop/node/issue.mjs',
  note: 'Files named *.tampered.* carry a changed claim under the original proof or ' +
    'signature and must be rejected with INVALID_SIGNATURE.',
  challenge: CHALLENGE,
  domain: DOMAIN,
  fixtures: []
};

// membership is a Polity MembershipCredential (VCDM 2.0, Polity context) about subject
// (default: the Ed25519 holder).
function membership(issuer, n, subject = keys.holder.did) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://polity.id/ns/v1'],
    id: `urn:uuid:5f1c0b7e-9a4d-4c2e-8f3b-00000000000${n}`,
    type: ['VerifiableCredential', 'MembershipCredential'],
    issuer,
    validFrom: DATE,
    validUntil: UNTIL,
    credentialSubject: {
      id: subject,
      community: issuer,
      role: 'moderator',
      memberSince: DATE
    }
  };
}

// rich exercises the canonicalization corners: language-tagged values, an issuer object,
// nested nodes, numbers (integer and double), booleans, arrays and non-ASCII text.
function rich(issuer) {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/ns/credentials/examples/v2'
    ],
    id: 'http://university.example/credentials/3732',
    type: ['VerifiableCredential', 'ExampleDegreeCredential'],
    issuer: {id: issuer, name: 'Université d’Exemple'},
    name: [
      {'@value': 'Diplôme de licence', '@language': 'fr'},
      {'@value': 'Bachelor degree', '@language': 'en'}
    ],
    description: 'Line one\nline two with "quotes" and a tab\t✓',
    validFrom: DATE,
    credentialSubject: {
      id: keys.holder.did,
      degree: {type: 'ExampleBachelorDegree', subtype: 'Bachelor of Science and Arts'},
      gpa: 3.75,
      credits: 180,
      honours: true,
      tags: ['civic', 'assembly']
    }
  };
}

// v11 is a VCDM 1.1 credential for Ed25519Signature2020.
function v11(issuer) {
  return {
    '@context': [
      'https://www.w3.org/2018/credentials/v1',
      'https://polity.id/ns/v1',
      'https://w3id.org/security/suites/ed25519-2020/v1'
    ],
    id: 'urn:uuid:5f1c0b7e-9a4d-4c2e-8f3b-1100000000a1',
    type: ['VerifiableCredential', 'MembershipCredential'],
    issuer,
    issuanceDate: DATE,
    expirationDate: UNTIL,
    credentialSubject: {
      id: keys.holder.did,
      community: issuer,
      role: 'moderator',
      memberSince: DATE
    }
  };
}

function write(name, body, entry, tamperedBody) {
  writeFileSync(join(dir, name), body);
  manifest.fixtures.push({file: name, expect: 'valid', ...entry});
  const tname = name.replace(/\.(json|jwt)$/, '.tampered.$1');
  writeFileSync(join(dir, tname), tamperedBody);
  manifest.fixtures.push({file: tname, expect: 'INVALID_SIGNATURE', ...entry});
}

async function issueDI(name, suiteName, key, credential, vcdm) {
  const suite = signingSuite(suiteName, key.keyPair, DATE);
  const signed = await vc.issue({credential, suite, documentLoader});
  write(`${name}.json`, stableJSON(signed), {
    kind: 'credential', format: 'data-integrity', suite: suiteName,
    curve: key.curve, vcdm, issuer: key.did
  }, stableJSON(tamperCredential(signed)));
  return signed;
}

// --- Data Integrity credentials ---
const ed = keys.ed25519;
const p256 = keys.p256;
const p384 = keys.p384;
const edMembership = await issueDI('eddsa-rdfc-2022-membership', 'eddsa-rdfc-2022', ed,
  membership(ed.did, 1), '2.0');
await issueDI('eddsa-rdfc-2022-rich', 'eddsa-rdfc-2022', ed, rich(ed.did), '2.0');
const p256Membership = await issueDI('ecdsa-rdfc-2019-p256-membership', 'ecdsa-rdfc-2019',
  p256, membership(p256.did, 2), '2.0');
await issueDI('ecdsa-rdfc-2019-p256-rich', 'ecdsa-rdfc-2019', p256, rich(p256.did), '2.0');
await issueDI('ecdsa-rdfc-2019-p384-membership', 'ecdsa-rdfc-2019', p384,
  membership(p384.did, 3), '2.0');
await issueDI('eddsa-jcs-2022-membership', 'eddsa-jcs-2022', ed, membership(ed.did, 4), '2.0');
await issueDI('eddsa-jcs-2022-rich', 'eddsa-jcs-2022', ed, rich(ed.did), '2.0');
await issueDI('ecdsa-jcs-2019-p256-membership', 'ecdsa-jcs-2019', p256,
  membership(p256.did, 5), '2.0');
await issueDI('ecdsa-jcs-2019-p384-membership', 'ecdsa-jcs-2019', p384,
  membership(p384.did, 6), '2.0');
await issueDI('ed25519signature2020-v11-membership', 'Ed25519Signature2020', ed,
  v11(ed.did), '1.1');

// --- Data Integrity presentations (holder-signed, challenge and domain) ---
// Each holder is the subject of every credential it presents. The tampered copy changes
// a claim of the last credential, under both the credential's and the holder's proof.
async function presentDI(name, suiteName, holder, credentials, id) {
  const presentation = vc.createPresentation({
    verifiableCredential: credentials, holder: holder.did, id, version: 2.0
  });
  const suite = signingSuite(suiteName, holder.keyPair, DATE);
  const signed = await vc.signPresentation({
    presentation, suite, challenge: CHALLENGE, domain: DOMAIN, documentLoader
  });
  write(`${name}.json`, stableJSON(signed), {
    kind: 'presentation', format: 'data-integrity', suite: suiteName,
    curve: holder.curve, vcdm: '2.0', holder: holder.did, challenge: CHALLENGE,
    domain: DOMAIN, credentials: credentials.length
  }, stableJSON(tamperPresentation(signed)));
}

await presentDI('eddsa-rdfc-2022-presentation', 'eddsa-rdfc-2022', keys.holder,
  [edMembership], 'urn:uuid:5f1c0b7e-9a4d-4c2e-8f3b-2200000000b1');
{
  // A P-256 holder presents an ecdsa-rdfc-2019 credential about itself.
  const holder = keys.holderP256;
  const credential = await vc.issue({
    credential: membership(p256.did, 'c', holder.did),
    suite: signingSuite('ecdsa-rdfc-2019', p256.keyPair, DATE), documentLoader
  });
  await presentDI('ecdsa-rdfc-2019-p256-presentation', 'ecdsa-rdfc-2019', holder,
    [credential], 'urn:uuid:5f1c0b7e-9a4d-4c2e-8f3b-2200000000b2');
}
await presentDI('eddsa-rdfc-2022-presentation-two-credentials', 'eddsa-rdfc-2022',
  keys.holder, [edMembership, p256Membership],
  'urn:uuid:5f1c0b7e-9a4d-4c2e-8f3b-2200000000b3');

// --- vc+jwt (VC-JOSE-COSE) and JWT-VC (VCDM 1.1 section 6.3) ---
async function privateKey(key) {
  const {kty, crv, x, y} = key.jwk;
  let {d} = key.jwk;
  if(kty === 'OKP') {
    // the Ed25519 secret key is seed || public key; JWK "d" is the 32-byte seed
    d = Buffer.from(d, 'base64url').subarray(0, 32).toString('base64url');
  }
  const jwk = y ? {kty, crv, x, y, d} : {kty, crv, x, d};
  const alg = algFor(jwk);
  return {alg, key: await jose.importJWK(jwk, alg)};
}

async function sign(payload, header, key) {
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header).sign(key);
}

async function issueVcJwt(name, key, n) {
  const {alg, key: k} = await privateKey(key);
  const credential = membership(key.did, n);
  const token = await sign(credential, {alg, typ: 'vc+jwt', cty: 'vc', kid: key.kid}, k);
  write(`${name}.jwt`, token + '\n', {
    kind: 'credential', format: 'vc+jwt', alg, vcdm: '2.0', issuer: key.did
  }, tamperJWT(token) + '\n');
  return token;
}

// issueJwtVc writes the VCDM 1.1 JWT-VC form. full keeps every credential member inside
// "vc" next to the registered claims; otherwise the mapped members are only claims.
async function issueJwtVc(name, key, full) {
  const {alg, key: k} = await privateKey(key);
  const credential = v11(key.did);
  credential['@context'] = credential['@context'].slice(0, 2);
  const t = Math.floor(Date.parse(DATE) / 1000);
  const payload = {
    iss: key.did, sub: keys.holder.did, jti: credential.id,
    nbf: t, iat: t, exp: Math.floor(Date.parse(UNTIL) / 1000),
    vc: structuredClone(credential)
  };
  if(!full) {
    delete payload.vc.id;
    delete payload.vc.issuer;
    delete payload.vc.issuanceDate;
    delete payload.vc.expirationDate;
    delete payload.vc.credentialSubject.id;
  }
  const token = await sign(payload, {alg, typ: 'JWT', kid: key.kid}, k);
  write(`${name}.jwt`, token + '\n', {
    kind: 'credential', format: 'jwt-vc', alg, vcdm: '1.1', issuer: key.did
  }, tamperJWT(token) + '\n');
}

const edVcJwt = await issueVcJwt('vc-jwt-eddsa-membership', ed, 7);
await issueVcJwt('vc-jwt-es256-membership', p256, 8);
await issueVcJwt('vc-jwt-es384-membership', p384, 9);
await issueJwtVc('jwt-vc-v11-eddsa-full', ed, true);
await issueJwtVc('jwt-vc-v11-es256-claims', p256, false);

// --- vp+jwt (VC-JOSE-COSE) enveloping a vc+jwt, signed by the holder ---
{
  const holder = keys.holder;
  const {alg, key: k} = await privateKey(holder);
  const payload = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder: holder.did,
    verifiableCredential: [envelope('application/vc+jwt', edVcJwt)],
    nonce: CHALLENGE,
    aud: DOMAIN,
    iat: Math.floor(Date.parse(DATE) / 1000)
  };
  const token = await sign(payload, {alg, typ: 'vp+jwt', cty: 'vp', kid: holder.kid}, k);
  write('vp-jwt-eddsa-enveloped-vc-jwt.jwt', token + '\n', {
    kind: 'presentation', format: 'vp+jwt', alg, vcdm: '2.0', holder: holder.did,
    challenge: CHALLENGE, domain: DOMAIN, credentials: 1
  }, tamperJWT(token) + '\n');
}

writeFileSync(join(dir, 'manifest.json'), stableJSON(manifest));
console.log(JSON.stringify({dir, fixtures: manifest.fixtures.length}));
