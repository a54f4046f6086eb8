// gen.mjs: writes the presentation golden files of this directory with Digital Bazaar's
// jsonld (URDNA2015 = RDFC-1.0, safe mode) and @digitalbazaar/vc, offline, using the
// document loader and fixed keys of interop/node/lib.mjs.
//
//   node internal/jsonld/testdata/presentations/gen.mjs
//
// For each case NAME it writes NAME.json (the signed presentation), NAME.nq (the
// canonical N-Quads of the presentation without its proof), NAME.proof.nq (those of its
// proof configuration: the proof without proofValue, under the presentation's @context)
// and NAME.full.nq (those of the whole signed presentation).
import {writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const interop = join(here, '..', '..', '..', '..', 'interop', 'node');
const nm = join(interop, 'node_modules');
const lib = await import(pathToFileURL(join(interop, 'lib.mjs')));
const vc = await import(pathToFileURL(join(nm, '@digitalbazaar', 'vc', 'lib', 'index.js')));
const jsonld = (await import(pathToFileURL(join(nm, 'jsonld', 'lib', 'index.js')))).default;

const DATE = '2024-03-01T00:00:00Z';
const UNTIL = '2099-03-01T00:00:00Z';
const CHALLENGE = 'polity-presentation-challenge';
const DOMAIN = 'door.example';
const documentLoader = lib.makeDocumentLoader();
const keys = await lib.issuerKeys();
const ed = keys.ed25519;
const holder = keys.holder;

function membership(n, subject) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://polity.id/ns/v1'],
    id: `urn:uuid:7a0c2d1e-3b4f-4a5e-9c6d-00000000000${n}`,
    type: ['VerifiableCredential', 'MembershipCredential'],
    issuer: ed.did,
    validFrom: DATE,
    validUntil: UNTIL,
    credentialSubject: {id: holder.did, community: ed.did, role: subject, memberSince: DATE}
  };
}

function example(n) {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://www.w3.org/ns/credentials/examples/v2'
    ],
    id: `urn:uuid:7a0c2d1e-3b4f-4a5e-9c6d-10000000000${n}`,
    type: ['VerifiableCredential', 'ExampleDegreeCredential'],
    issuer: {id: ed.did, name: 'Université d’Exemple'},
    validFrom: DATE,
    credentialSubject: {
      id: holder.did,
      degree: {type: 'ExampleBachelorDegree', name: {'@value': 'Licence', '@language': 'fr'}}
    }
  };
}

function v11() {
  return {
    '@context': [
      'https://www.w3.org/2018/credentials/v1',
      'https://polity.id/ns/v1',
      'https://w3id.org/security/suites/ed25519-2020/v1'
    ],
    id: 'urn:uuid:7a0c2d1e-3b4f-4a5e-9c6d-1100000000a1',
    type: ['VerifiableCredential', 'MembershipCredential'],
    issuer: ed.did,
    issuanceDate: DATE,
    expirationDate: UNTIL,
    credentialSubject: {id: holder.did, community: ed.did, role: 'moderator', memberSince: DATE}
  };
}

async function issue(credential, suiteName) {
  const suite = lib.signingSuite(suiteName, ed.keyPair, DATE);
  return vc.issue({credential, suite, documentLoader});
}

async function canon(doc) {
  return jsonld.canonize(doc, {
    algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader, safe: true
  });
}

async function write(name, signed) {
  writeFileSync(join(here, `${name}.json`), lib.stableJSON(signed));
  const {proof, ...doc} = signed;
  writeFileSync(join(here, `${name}.nq`), await canon(doc));
  writeFileSync(join(here, `${name}.full.nq`), await canon(signed));
  if(proof) {
    const {proofValue, ...config} = proof;
    config['@context'] = signed['@context'];
    writeFileSync(join(here, `${name}.proof.nq`), await canon(config));
  }
}

async function present(n, name, credentials, version, suiteName) {
  const presentation = vc.createPresentation({
    holder: holder.did, id: `urn:uuid:7a0c2d1e-3b4f-4a5e-9c6d-22000000000${n}`,
    version
  });
  // Set directly: createPresentation insists that every credential has a proof.
  presentation.verifiableCredential = credentials;
  if(version === 1.0) {
    presentation['@context'].push('https://w3id.org/security/suites/ed25519-2020/v1');
  }
  const suite = lib.signingSuite(suiteName, holder.keyPair, DATE);
  const signed = await vc.signPresentation({
    presentation, suite, challenge: CHALLENGE, domain: DOMAIN, documentLoader
  });
  await write(name, signed);
}

const one = await issue(membership(1, 'moderator'), 'eddsa-rdfc-2022');
const two = await issue(example(2), 'eddsa-rdfc-2022');
await present(1, 'vp2-one', [one], 2.0, 'eddsa-rdfc-2022');
await present(2, 'vp2-two', [one, two], 2.0, 'eddsa-rdfc-2022');

// An EnvelopedVerifiableCredential (VCDM 2.0 section 4.13): a vc+jwt as a data: URL.
const enveloped = {
  '@context': 'https://www.w3.org/ns/credentials/v2',
  id: 'data:application/vc+jwt,eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.' +
    'eyJAY29udGV4dCI6Imh0dHBzOi8vd3d3LnczLm9yZy9ucy9jcmVkZW50aWFscy92MiJ9.c2ln',
  type: 'EnvelopedVerifiableCredential'
};
await present(3, 'vp2-enveloped', [enveloped], 2.0, 'eddsa-rdfc-2022');

const old = await issue(v11(), 'Ed25519Signature2020');
await present(4, 'vp11', [old], 1.0, 'Ed25519Signature2020');
