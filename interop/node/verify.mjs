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

import {firstError, verifyJWT, verifyVPJWT} from './check.mjs';
import {makeDocumentLoader, verifySuites} from './lib.mjs';

// Arguments: DIR [--challenge C] [--domain D] [--expect-invalid]. The options override
// the manifest's challenge and domain; --expect-invalid expects every file to be
// rejected (for a wrong challenge or domain).
const args = process.argv.slice(2);
const dir = args.shift();
if(!dir || dir.startsWith('--')) {
  console.error('usage: node verify.mjs DIR [--challenge C] [--domain D] [--expect-invalid]');
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
let expectInvalid = false;
while(args.length > 0) {
  const a = args.shift();
  if(a === '--challenge' && args.length > 0) {
    challenge = args.shift();
  } else if(a === '--domain' && args.length > 0) {
    domain = args.shift();
  } else if(a === '--expect-invalid') {
    expectInvalid = true;
  } else {
    console.error(`verify.mjs: unknown argument ${a}`);
    process.exit(2);
  }
}

const documentLoader = makeDocumentLoader();

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

const files = readdirSync(dir)
  .filter(f => /\.(json|jwt)$/.test(f) && f !== 'manifest.json')
  .sort();
const results = [];
for(const file of files) {
  const expect = expectInvalid || file.includes('.tampered.') ? 'invalid' : 'valid';
  const text = readFileSync(join(dir, file), 'utf8');
  let error = null;
  try {
    if(file.endsWith('.jwt')) {
      const typ = jose.decodeProtectedHeader(text.trim()).typ;
      await (typ === 'vp+jwt' ? verifyVPJWT(text.trim(), challenge, domain) : verifyJWT(text.trim()));
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
