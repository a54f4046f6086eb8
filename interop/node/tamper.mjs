// tamper.mjs IN OUT: writes a copy of the credential (JSON, or a compact JWS) with a
// changed claim under the original proof or signature, for run.sh.
import {readFileSync, writeFileSync} from 'node:fs';

import {stableJSON, tamperCredential, tamperJWT} from './lib.mjs';

const [input, output] = process.argv.slice(2);
if(!input || !output) {
  console.error('usage: node tamper.mjs IN OUT');
  process.exit(2);
}
const text = readFileSync(input, 'utf8');
writeFileSync(output, input.endsWith('.jwt') ?
  tamperJWT(text) + '\n' : stableJSON(tamperCredential(JSON.parse(text))));
