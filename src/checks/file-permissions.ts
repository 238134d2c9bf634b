import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';
import { keysInDotenvFiles } from './dotenv-holdings.js';
import { secretRef } from './secret-ref.js';
import type { Check } from './types.js';

/** `exposure.file-permissions`: a key file readable by other users of the machine. */
export const filePermissionsCheck: Check = {
  id: 'exposure.file-permissions',
  async run(ctx) {
    const findings: Finding[] = [];
    for (const { file, mode, keys } of keysInDotenvFiles(ctx)) {
      if ((mode & 0o077) === 0) continue;
      const who = [(mode & 0o070) !== 0 ? 'its group' : '', (mode & 0o007) !== 0 ? 'every user' : ''].filter(Boolean).join(' and ');
      findings.push(
        makeFinding('exposure.file-permissions', {
          title: `${file} holds keys and can be read by ${who} (mode ${mode.toString(8).padStart(3, '0')})`,
          detail: `Other accounts on this machine can read ${keys.map((k) => k.variable).join(', ')}.`,
          fix: `Run \`chmod 600 ${file}\`.`,
          location: { file },
          secret: secretRef(keys[0]!, ctx.resolved),
        }),
      );
    }
    return { status: findings.length ? 'fail' : 'pass', findings };
  },
};
