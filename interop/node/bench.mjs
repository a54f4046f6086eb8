// bench.mjs [--seconds N] [--challenge C] [--domain D] FILE...: the Node.js peer of
// `polity bench`. For each credential (or presentation) file it measures the rate of a
// full verification with Digital Bazaar's libraries (Data Integrity) or jose (vc+jwt,
// JWT-VC, vp+jwt), as verify.mjs checks them, beside the rate of one raw signature verification
// of the same algorithm with node:crypto (a fresh key, a message of the same length).
//
// Like `polity bench`, the two rates are measured in 10 alternating slices after a
// warm-up, so a change of machine load affects both alike; Node runs JavaScript on one
// thread. Prints JSON Lines, one object per file:
//   {"file","kind","format","suite","alg","verify_ops_s","raw_ops_s","ratio"}
// ratio = verify_ops_s / raw_ops_s. Exits 1 when a file does not verify, 2 on bad usage.
import {generateKeyPairSync, sign, verify as cryptoVerify} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {basename} from 'node:path';

import * as jose from 'jose';
import * as vc from '@digitalbazaar/vc';

import {firstError, verifyJWT, verifyVPJWT} from './check.mjs';
import {didKeyDriver, makeDocumentLoader, verifySuites} from './lib.mjs';

function usage(msg) {
  if(msg) {
    console.error(`bench.mjs: ${msg}`);
  }
  console.error('usage: node bench.mjs [--seconds N] [--challenge C] [--domain D] FILE...');
  process.exit(2);
}

let seconds = 3;
let challenge = '';
let domain = '';
const files = [];
const argv = process.argv.slice(2);
for(let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => {
    if(i + 1 >= argv.length) {
      usage(`${a} needs a value`);
    }
    return argv[++i];
  };
  if(a === '--seconds') {
    seconds = Number(value());
    if(!(seconds > 0 && seconds <= 3600)) {
      usage('--seconds must be above 0 and at most 3600');
    }
  } else if(a === '--challenge') {
    challenge = value();
  } else if(a === '--domain') {
    domain = value();
  } else if(a.startsWith('--')) {
    usage(`unknown flag ${a}`);
  } else {
    files.push(a);
  }
}
if(files.length === 0) {
  usage('no files');
}

const documentLoader = makeDocumentLoader();
const suite = verifySuites();

// verifyDI is verify.mjs's Data Integrity check: the document is cloned first because
// the libraries may annotate their input.
async function verifyDI(doc, isPresentation) {
  const input = structuredClone(doc);
  const result = isPresentation ?
    await vc.verify({presentation: input, challenge, domain, suite, documentLoader}) :
    await vc.verifyCredential({credential: input, suite, documentLoader});
  if(!result.verified) {
    throw new Error(firstError(result));
  }
}

const curveOf = {EdDSA: 'Ed25519', ES256: 'P-256', ES384: 'P-384', ES256K: 'secp256k1'};

// target describes a file: how to verify it and what its raw floor signs.
async function target(file) {
  const text = readFileSync(file, 'utf8').trim();
  if(!text.startsWith('{')) {
    const header = jose.decodeProtectedHeader(text);
    const alg = curveOf[header.alg];
    if(!alg) {
      throw new Error(`no raw floor for JWS alg ${header.alg}`);
    }
    if(header.typ === 'vp+jwt') {
      if(!challenge) {
        throw new Error('a presentation needs --challenge');
      }
      return {
        kind: 'presentation', format: 'vp+jwt', alg,
        msgLen: text.lastIndexOf('.'), verify: () => verifyVPJWT(text, challenge, domain)
      };
    }
    return {
      kind: 'credential', format: header.typ === 'vc+jwt' ? 'vc+jwt' : 'jwt-vc', alg,
      msgLen: text.lastIndexOf('.'), verify: () => verifyJWT(text)
    };
  }
  const doc = JSON.parse(text);
  const isPresentation = [].concat(doc.type || []).includes('VerifiablePresentation');
  if(isPresentation && !challenge) {
    throw new Error('a presentation needs --challenge');
  }
  const proof = [].concat(doc.proof || [])[0];
  if(!proof) {
    throw new Error('no proof');
  }
  let alg = 'Ed25519';
  if(proof.cryptosuite?.startsWith('ecdsa-')) {
    const vm = await didKeyDriver.get({url: proof.verificationMethod});
    alg = vm.publicKeyMultibase?.startsWith('z82L') ? 'P-384' : 'P-256';
  }
  return {
    kind: isPresentation ? 'presentation' : 'credential', format: 'data-integrity',
    suite: proof.cryptosuite || proof.type, alg, msgLen: alg === 'P-384' ? 96 : 64,
    verify: () => verifyDI(doc, isPresentation)
  };
}

// rawVerifier returns one node:crypto verification of a fresh key of curve alg over a
// message of n bytes (ECDSA: hashed with SHA-256, SHA-384 for P-384; IEEE P1363 form).
function rawVerifier(alg, n) {
  const msg = Buffer.alloc(n, 7);
  if(alg === 'Ed25519') {
    const {publicKey, privateKey} = generateKeyPairSync('ed25519');
    const sig = sign(null, msg, privateKey);
    return () => {
      if(!cryptoVerify(null, msg, publicKey, sig)) {
        throw new Error('raw verify failed');
      }
    };
  }
  const namedCurve = alg === 'secp256k1' ? 'secp256k1' : alg;
  const hash = alg === 'P-384' ? 'sha384' : 'sha256';
  const {publicKey, privateKey} = generateKeyPairSync('ec', {namedCurve});
  const sig = sign(hash, msg, {key: privateKey, dsaEncoding: 'ieee-p1363'});
  const key = {key: publicKey, dsaEncoding: 'ieee-p1363'};
  return () => {
    if(!cryptoVerify(hash, msg, key, sig)) {
      throw new Error('raw verify failed');
    }
  };
}

const now = () => process.hrtime.bigint();

// runFor calls f (awaited) in growing batches until ns nanoseconds have passed.
async function runFor(ns, f) {
  let n = 0;
  let batch = 1;
  const start = now();
  for(;;) {
    for(let i = 0; i < batch; i++) {
      await f();
    }
    n += batch;
    const elapsed = now() - start;
    if(elapsed >= ns) {
      return {n, t: Number(elapsed)};
    }
    if(elapsed * 16n < ns && batch < 1 << 20) {
      batch *= 2;
    }
  }
}

// measurePair measures f and g for `seconds` each, in 10 alternating slices, after a
// warm-up of each.
async function measurePair(f, g) {
  const total = BigInt(Math.round(seconds * 1e9));
  const warm = total / 4n < 1000000000n ? total / 4n : 1000000000n;
  await runFor(warm, f);
  await runFor(warm, g);
  const slice = total / 10n;
  let fn = 0, ft = 0, gn = 0, gt = 0;
  for(let r = 0; r < 10; r++) {
    let x = await runFor(slice, f);
    fn += x.n;
    ft += x.t;
    x = await runFor(slice, g);
    gn += x.n;
    gt += x.t;
  }
  return [fn / (ft / 1e9), gn / (gt / 1e9)];
}

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

let exit = 0;
for(const file of files) {
  try {
    const t = await target(file);
    await t.verify(); // must verify before it is measured
    const [verifyOps, rawOps] = await measurePair(t.verify, rawVerifier(t.alg, t.msgLen));
    console.log(JSON.stringify({
      file: basename(file), kind: t.kind, format: t.format,
      ...(t.suite ? {suite: t.suite} : {}), alg: t.alg, seconds,
      verify_ops_s: round(verifyOps, 1), raw_ops_s: round(rawOps, 1),
      ratio: round(verifyOps / rawOps, 4)
    }));
  } catch(e) {
    console.error(`bench.mjs: ${file}: not verified: ${e.message || e}`);
    exit = 1;
  }
}
process.exit(exit);
