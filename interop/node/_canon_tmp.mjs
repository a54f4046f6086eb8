import {readFileSync} from 'node:fs';
import jsonld from 'jsonld';
import {makeDocumentLoader} from '/work/main/interop/node/lib.mjs';
const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
delete doc.proof;
const out = await jsonld.canonize(doc, {algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader: makeDocumentLoader(), safe: true});
process.stdout.write(out);
