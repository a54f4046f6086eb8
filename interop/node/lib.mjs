// Shared setup for issue.mjs and verify.mjs: the static offline document loader, the
// did:key driver, the fixed issuer keys and the suites Polity shares with Digital Bazaar's
// libraries.
import {createECDH, createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didKey from '@digitalbazaar/did-method-key';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));

// The JSON-LD contexts embedded in Polity, read from the Go package's directory.
export const CONTEXT_DIR = join(here, '..', '..', 'internal', 'jsonld', 'contexts');

// Polity's own vocabulary is not in CONTEXT-MAP.md (it is not an upstream context).
export const POLITY_CONTEXT_URL = 'https://polity.id/ns/v1';

// loadContexts parses CONTEXT-MAP.md (| URL | file | `sha256` | source |), reads each file
// and checks its hash, so the loader serves exactly the bytes Polity embeds.
export function loadContexts(dir = CONTEXT_DIR) {
  const map = new Map();
  const table = readFileSync(join(dir, 'CONTEXT-MAP.md'), 'utf8');
  for(const line of table.split('\n')) {
    const m = /^\|\s*(https?:\/\/\S+)\s*\|\s*(\S+)\s*\|\s*`([0-9a-f]{64})`\s*\|/.exec(line);
    if(!m) {
      continue;
    }
    const [, url, file, sha256] = m;
    const bytes = readFileSync(join(dir, file));
    const got = createHash('sha256').update(bytes).digest('hex');
    if(got !== sha256) {
      throw new Error(`context ${url}: ${file} has sha256 ${got}, want ${sha256}`);
    }
    map.set(url, JSON.parse(bytes.toString('utf8')));
  }
  if(!map.has(POLITY_CONTEXT_URL)) {
    map.set(POLITY_CONTEXT_URL,
      JSON.parse(readFileSync(join(dir, 'polity-v1.jsonld'), 'utf8')));
  }
  if(map.size < 10) {
    throw new Error(`only ${map.size} contexts found in ${dir}`);
  }
  return map;
}

// The did:key driver: Ed25519 (z6Mk), P-256 (zDna) and P-384 (z82L) Multikeys.
export const didKeyDriver = didKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
didKeyDriver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
didKeyDriver.use({multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from});

// makeDocumentLoader returns a loader that answers only the embedded contexts and did:key
// URLs; every other URL is an error (no network).
export function makeDocumentLoader(contexts = loadContexts()) {
  return async function documentLoader(url) {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(contexts.get(url))};
    }
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(`offline document loader: unknown URL ${url}`);
  };
}

// Fixed keys: each secret is SHA-256 (Ed25519 seed, P-256 scalar) or SHA-384 (P-384
// scalar) of a label, so reruns use the same DIDs.
export function secretFor(label, hash = 'sha256') {
  return createHash(hash).update(`polity interop ${label}`).digest();
}

function b64u(buf) {
  return Buffer.from(buf).toString('base64url');
}

async function ecdsaKey(curve, label) {
  const [ecdhName, hash, size] = curve === 'P-256' ?
    ['prime256v1', 'sha256', 32] : ['secp384r1', 'sha384', 48];
  const d = secretFor(label, hash);
  const ecdh = createECDH(ecdhName);
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey(); // 0x04 || x || y
  const jwk = {
    kty: 'EC', crv: curve,
    x: b64u(pub.subarray(1, 1 + size)), y: b64u(pub.subarray(1 + size)), d: b64u(d)
  };
  const kp = await EcdsaMultikey.fromJwk({jwk, secretKey: true});
  return withDid(kp, EcdsaMultikey, curve);
}

async function withDid(kp, lib, curve) {
  const did = `did:key:${kp.publicKeyMultibase}`;
  kp.controller = did;
  kp.id = `${did}#${kp.publicKeyMultibase}`;
  const jwk = await lib.toJwk({keyPair: kp, secretKey: true});
  return {keyPair: kp, did, kid: kp.id, jwk, curve};
}

// issuerKeys returns the fixed issuer (and holder) keys by name.
export async function issuerKeys() {
  const ed = await Ed25519Multikey.generate({seed: secretFor('ed25519 issuer')});
  const holder = await Ed25519Multikey.generate({seed: secretFor('ed25519 holder')});
  return {
    ed25519: await withDid(ed, Ed25519Multikey, 'Ed25519'),
    p256: await ecdsaKey('P-256', 'p-256 issuer'),
    p384: await ecdsaKey('P-384', 'p-384 issuer'),
    holder: await withDid(holder, Ed25519Multikey, 'Ed25519'),
    holderP256: await ecdsaKey('P-256', 'p-256 holder')
  };
}

// signingSuite returns the suite that issues a proof of the named kind.
export function signingSuite(name, keyPair, date) {
  const signer = keyPair.signer();
  switch(name) {
    case 'eddsa-rdfc-2022':
      return new DataIntegrityProof({signer, date, cryptosuite: eddsaRdfc2022});
    case 'ecdsa-rdfc-2019':
      return new DataIntegrityProof({signer, date, cryptosuite: ecdsaRdfc2019});
    case 'eddsa-jcs-2022':
      return new DataIntegrityProof({
        signer, date, cryptosuite: eddsaJcs2022.createSignCryptosuite()
      });
    case 'ecdsa-jcs-2019':
      return new DataIntegrityProof({
        signer, date, cryptosuite: ecdsaJcs2019.createSignCryptosuite()
      });
    case 'Ed25519Signature2020':
      return new Ed25519Signature2020({signer, date});
    default:
      throw new Error(`unknown suite ${name}`);
  }
}

// verifySuites returns every suite a verifier accepts.
export function verifySuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
    new DataIntegrityProof({cryptosuite: eddsaJcs2022.createVerifyCryptosuite()}),
    new DataIntegrityProof({cryptosuite: ecdsaJcs2019.createVerifyCryptosuite()}),
    new Ed25519Signature2020()
  ];
}

// publicJwkFor resolves a did:key verification method to a public JWK.
export async function publicJwkFor(kid) {
  const vm = await didKeyDriver.get({url: kid});
  if(vm.publicKeyMultibase?.startsWith('z6Mk')) {
    const kp = await Ed25519Multikey.from(vm);
    return {vm, jwk: await Ed25519Multikey.toJwk({keyPair: kp})};
  }
  const kp = await EcdsaMultikey.from(vm);
  return {vm, jwk: await EcdsaMultikey.toJwk({keyPair: kp})};
}

// algFor is the only JWS alg a public JWK may verify: the key decides, never the header.
export function algFor(jwk) {
  if(jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    return 'EdDSA';
  }
  if(jwk.kty === 'EC' && jwk.crv === 'P-256') {
    return 'ES256';
  }
  if(jwk.kty === 'EC' && jwk.crv === 'P-384') {
    return 'ES384';
  }
  throw new Error(`unsupported key ${jwk.kty}/${jwk.crv}`);
}

// stableJSON writes JSON with two-space indentation and a final newline.
export function stableJSON(value) {
  return JSON.stringify(value, null, 2) + '\n';
}

// tamperCredential returns a copy with a changed claim (the subject's role, or another
// subject member) under the original proof.
export function tamperCredential(c) {
  const t = structuredClone(c);
  const s = Array.isArray(t.credentialSubject) ? t.credentialSubject[0] : t.credentialSubject;
  if('role' in s) {
    s.role = 'administrator';
  } else {
    s.credits = 240;
  }
  return t;
}

// ENVELOPED is the type of a VC-JOSE-COSE enveloped credential: its id is a data: URL.
export const ENVELOPED = 'EnvelopedVerifiableCredential';

// envelope wraps a secured credential (a compact JWS) as an enveloped credential.
export function envelope(mediaType, token) {
  return {
    '@context': 'https://www.w3.org/ns/credentials/v2',
    id: `data:${mediaType},${token.trim()}`,
    type: ENVELOPED
  };
}

// envelopeData returns the media type and the secured credential of an enveloped
// credential's data: URL (plain or percent-encoded, not base64).
export function envelopeData(e) {
  const m = /^data:([^,;]+),(.*)$/s.exec(typeof e?.id === 'string' ? e.id : '');
  if(!m) {
    throw new Error('enveloped credential without a data: URL id');
  }
  return {mediaType: m[1], data: decodeURIComponent(m[2])};
}

function isEnveloped(c) {
  return [].concat(c?.type || []).includes(ENVELOPED);
}

// tamperPresentation returns a copy of a presentation (JSON) whose last credential has a
// changed claim: an embedded credential directly, an enveloped one inside its token.
export function tamperPresentation(vp) {
  const t = structuredClone(vp);
  const creds = [].concat(t.verifiableCredential || []);
  const last = creds.length - 1;
  if(last < 0) {
    throw new Error('presentation without credentials');
  }
  if(isEnveloped(creds[last])) {
    const {mediaType, data} = envelopeData(creds[last]);
    creds[last] = {...creds[last], id: `data:${mediaType},${tamperJWT(data)}`};
  } else {
    creds[last] = tamperCredential(creds[last]);
  }
  t.verifiableCredential = Array.isArray(t.verifiableCredential) ? creds : creds[0];
  return t;
}

// isPresentation reports whether a JSON document is a VerifiablePresentation.
export function isPresentation(doc) {
  return [].concat(doc?.type || []).includes('VerifiablePresentation');
}

// tamperJWT re-encodes the payload with a changed claim (in "vc" for a JWT-VC, in the
// last credential for a presentation) under the original header and signature.
export function tamperJWT(token) {
  const [h, p, s] = token.trim().split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  if(isPresentation(payload)) {
    return [h, Buffer.from(JSON.stringify(tamperPresentation(payload))).toString('base64url'),
      s].join('.');
  }
  const cred = payload.vc ?? payload;
  const t = tamperCredential(cred);
  if(payload.vc) {
    payload.vc = t;
  }
  const out = payload.vc ? payload : t;
  return [h, Buffer.from(JSON.stringify(out)).toString('base64url'), s].join('.');
}
