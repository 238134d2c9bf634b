import { makeFinding } from '../core/rules.js';
import type { Check } from './types.js';

/** `missing.keychain-unavailable`: say why no OS keychain can hold keys here, and how to get one. */
export const keychainCheck: Check = {
  id: 'keys.keychain',
  scope: 'repo',
  async run(ctx) {
    if (ctx.keychain.usable) return { status: 'pass', findings: [] };
    const { reason, fix } = ctx.keychain.problem;
    return {
      status: 'fail',
      findings: [
        makeFinding('missing.keychain-unavailable', {
          title: `No usable OS keychain: ${reason}`,
          detail: 'Keys can still come from the environment or .env files; keyward cannot store or read keys in the keychain here.',
          fix,
        }),
      ],
    };
  },
};
