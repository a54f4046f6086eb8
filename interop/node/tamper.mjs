// tamper.mjs IN OUT: writes a copy of the credential or presentation (JSON, or a compact
// JWS) with a changed claim under the original proof or signature, for run.sh.
import {readFileSync, writeFileSync} from 'node:fs';

import {
  isPresentation, stableJSON, tamperCredential, tamperJWT, tamperPresentation
} from './lib.mjs';

const [input, output] = process.argv.slice(2);
if(!input || !output) {
  console.error('usage: node tamper.mjs IN OUT');
  process.exit(2);
}
const text = readFileSync(input, 'utf8');
let out;
if(input.endsWith('.jwt')) {
  out = tamperJWT(text) + '\n';
} else {
  const doc = JSON.parse(text);
  out = stableJSON(isPresentation(doc) ? tamperPresentation(doc) : tamperCredential(doc));
}
writeFileSync(output, out);
