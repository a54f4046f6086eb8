// verify.mjs DIR: verifies every credential and presentation in DIR with Digital Bazaar's
// libraries (and jose for vc+jwt / JWT-VC), prints a JSON summary and exits 1 when any
// result is not the expected one.
//
// Expectations: a file whose name contains ".tampered." must be rejected; every other
// *.json / *.jwt file (except manifest.json) must verify. Presentations are checked
// against the challenge and domain of DIR/manifest.json, or the defaults below.
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

import * as jose from 'jose';
import * as vc from '@digitalbazaar/vc';

import {
  algFor, didKeyDriver, makeDocumentLoader, publicJwkFor, verifySuites
} from './lib.mjs';

const dir = process.argv[2];
if(!dir) {
  console.error('usage: node verify.mjs DIR');
  process.exit(2);
}
let challenge = 'polity-interop-challenge';
let domain = 'door.example';
const manifestPath = join(dir, 'manifest.json');
if(existsSync(manifestPath)) {
  const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
  challenge = m.challenge ?? challenge;
  domain = m.domain ?? domain;
}

const documentLoader = makeDocumentLoader();

function firstError(result) {
  const errs = [];
  const walk = r => {
    if(!r) {
      return;
    }
    if(r.error) {
      const e = r.error;
      errs.push(e.errors ? e.errors.map(x => x.message).join('; ') : e.message);
    }
    for(const x of r.results || []) {
      walk(x);
    }
    for(const x of r.credentialResults || []) {
      walk(x);
    }
    if(r.presentationResult) {
      walk(r.presentationResult);
    }
  };
  walk(result);
  return errs.join(' | ') || 'invalid';
}

async function verifyDI(doc) {
  const suite = verifySuites();
  const types = [].concat(doc.type || []);
  let result;
  if(types.includes('VerifiablePresentation')) {
    result = await vc.verify({presentation: doc, challenge, domain, suite, documentLoader});
  } else {
    result = await vc.verifyCredential({credential: doc, suite, documentLoader});
  }
  return result.verified ? null : firstError(result);
}

function didOf(kid) {
  return kid.split('#')[0];
}

function checkTimes(now, from, until) {
  if(from !== undefined && now < from) {
    throw new Error('not yet valid');
  }
  if(until !== undefined && now > until) {
    throw new Error('expired');
  }
}

// verifyJWT verifies application/vc+jwt (VC-JOSE-COSE) and the VCDM 1.1 JWT-VC form. The
// key comes from the kid's did:key document and decides the algorithm.
async function verifyJWT(token) {
  const header = jose.decodeProtectedHeader(token);
  if(typeof header.kid !== 'string' || !header.kid.startsWith('did:key:')) {
    throw new Error(`kid ${header.kid} is not a did:key URL`);
  }
  const {jwk} = await publicJwkFor(header.kid);
  const key = await jose.importJWK(jwk, algFor(jwk));
  const {payload: bytes} = await jose.compactVerify(token, key, {algorithms: [algFor(jwk)]});
  const payload = JSON.parse(new TextDecoder().decode(bytes));
  const did = didOf(header.kid);
  const doc = await didKeyDriver.get({did});
  const am = (doc.assertionMethod || []).map(x => typeof x === 'string' ? x : x.id);
  if(!am.includes(header.kid)) {
    throw new Error('kid is not an assertionMethod of its DID');
  }
  const now = Date.now();
  if(header.typ === 'vc+jwt') {
    if(header.cty !== undefined && header.cty !== 'vc') {
      throw new Error(`cty ${header.cty}`);
    }
    if('vc' in payload || 'vp' in payload) {
      throw new Error('vc+jwt payload has a vc/vp claim');
    }
    if(![].concat(payload.type || []).includes('VerifiableCredential')) {
      throw new Error('payload is not a VerifiableCredential');
    }
    const issuer = typeof payload.issuer === 'string' ? payload.issuer : payload.issuer?.id;
    if(issuer !== did || (payload.iss !== undefined && payload.iss !== issuer)) {
      throw new Error(`issuer ${issuer} is not the kid's DID ${did}`);
    }
    checkTimes(now,
      payload.validFrom && Date.parse(payload.validFrom),
      payload.validUntil && Date.parse(payload.validUntil));
    return;
  }
  if(header.typ !== undefined && header.typ !== 'JWT') {
    throw new Error(`typ ${header.typ}`);
  }
  if(!payload.vc || ![].concat(payload.vc.type || []).includes('VerifiableCredential')) {
    throw new Error('JWT-VC without a vc claim of type VerifiableCredential');
  }
  if(payload.iss !== did) {
    throw new Error(`iss ${payload.iss} is not the kid's DID ${did}`);
  }
  const vcIssuer = typeof payload.vc.issuer === 'string' ? payload.vc.issuer :
    payload.vc.issuer?.id;
  if(vcIssuer !== undefined && vcIssuer !== payload.iss) {
    throw new Error('vc.issuer disagrees with iss');
  }
  checkTimes(now / 1000, payload.nbf, payload.exp);
}

const files = readdirSync(dir)
  .filter(f => /\.(json|jwt)$/.test(f) && f !== 'manifest.json')
  .sort();
const results = [];
for(const file of files) {
  const expect = file.includes('.tampered.') ? 'invalid' : 'valid';
  const text = readFileSync(join(dir, file), 'utf8');
  let error = null;
  try {
    if(file.endsWith('.jwt')) {
      await verifyJWT(text.trim());
    } else {
      error = await verifyDI(JSON.parse(text));
    }
  } catch(e) {
    error = e.message || String(e);
  }
  const got = error === null ? 'valid' : 'invalid';
  results.push({file, expect, got, ok: got === expect, ...(error ? {error} : {})});
}

const unexpected = results.filter(r => !r.ok);
console.log(JSON.stringify({
  dir, total: results.length, ok: results.length - unexpected.length,
  unexpected: unexpected.length, results
}, null, 2));
if(results.length === 0 || unexpected.length > 0) {
  process.exit(1);
}
