// check.mjs: the JWT checks verify.mjs and bench.mjs share (vc+jwt, JWT-VC and vp+jwt
// with jose and did:key), and the error summary of a Digital Bazaar result.
import * as jose from 'jose';

import {algFor, didKeyDriver, envelopeData, publicJwkFor} from './lib.mjs';

// firstError joins the error messages of a Digital Bazaar verification result.
export function firstError(result) {
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

function didOf(kid) {
  return kid.split('#')[0];
}

export function checkTimes(now, from, until) {
  if(from !== undefined && now < from) {
    throw new Error('not yet valid');
  }
  if(until !== undefined && now > until) {
    throw new Error('expired');
  }
}

// verifyJWS verifies a compact JWS whose kid is a did:key URL listed under relationship
// in its DID document, and returns the header, the payload and the kid's DID. The key
// decides the algorithm, never the header.
export async function verifyJWS(token, relationship) {
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
  const vms = (doc[relationship] || []).map(x => typeof x === 'string' ? x : x.id);
  if(!vms.includes(header.kid)) {
    throw new Error(`kid is not an ${relationship} method of its DID`);
  }
  return {header, payload, did};
}

// verifyVPJWT verifies an application/vp+jwt (VC-JOSE-COSE): the holder's signature (a
// key under authentication), the nonce (challenge) and aud (domain), the holder, and
// then every enveloped credential (vc+jwt or JWT-VC) as verifyJWT does.
export async function verifyVPJWT(token, challenge, domain) {
  const {header, payload, did} = await verifyJWS(token, 'authentication');
  if(header.cty !== undefined && header.cty !== 'vp') {
    throw new Error(`cty ${header.cty}`);
  }
  if('vc' in payload || 'vp' in payload) {
    throw new Error('vp+jwt payload has a vc/vp claim');
  }
  if(![].concat(payload.type || []).includes('VerifiablePresentation')) {
    throw new Error('payload is not a VerifiablePresentation');
  }
  const holder = typeof payload.holder === 'string' ? payload.holder : payload.holder?.id;
  if(holder !== did) {
    throw new Error(`holder ${holder} is not the kid's DID ${did}`);
  }
  if(payload.nonce !== challenge) {
    throw new Error('nonce is not the challenge');
  }
  if(![].concat(payload.aud ?? []).includes(domain)) {
    throw new Error('aud does not name the domain');
  }
  const now = Date.now() / 1000;
  checkTimes(now, payload.nbf, payload.exp);
  const creds = [].concat(payload.verifiableCredential || []);
  if(creds.length === 0) {
    throw new Error('presentation carries no credential');
  }
  for(const c of creds) {
    const {mediaType, data} = envelopeData(c);
    if(mediaType !== 'application/vc+jwt' && mediaType !== 'application/jwt') {
      throw new Error(`enveloped credential of type ${mediaType}`);
    }
    await verifyJWT(data);
  }
}

// verifyJWT verifies application/vc+jwt (VC-JOSE-COSE) and the VCDM 1.1 JWT-VC form. The
// key comes from the kid's did:key document (assertionMethod) and decides the algorithm.
export async function verifyJWT(token) {
  const {header, payload, did} = await verifyJWS(token, 'assertionMethod');
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
