import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';
import { identifyKey } from '../providers/index.js';
import { aKeyOf, describeSource, entryLocation, secretRef } from './secret-ref.js';
import type { Check } from './types.js';

/** `hygiene.admin-key` / `hygiene.legacy-key`: the key in use grants more than an app needs. */
export const keyKindCheck: Check = {
  id: 'hygiene.key-kind',
  async run(ctx) {
    const findings: Finding[] = [];
    for (const { winner, provider } of ctx.resolved) {
      const kind = identifyKey(winner.secret.reveal(), provider)?.format.kind;
      const location = entryLocation(winner);
      if (kind === 'admin') {
        findings.push(
          makeFinding('hygiene.admin-key', {
            title: `${winner.variable} in ${describeSource(winner)} is ${aKeyOf(provider.name, 'admin')}`,
            detail: 'An admin key manages the whole organization (keys, members, billing) and cannot make model calls; an app needs a project key.',
            fix: `Create a project (or restricted) key at ${provider.dashboard.keys}, use it here, and keep the admin key out of apps.`,
            ...(location ? { location } : {}),
            secret: secretRef(winner, ctx.resolved),
          }),
        );
      } else if (kind === 'legacy' && provider.formats.some((f) => f.kind === 'project')) {
        // Only where project keys exist does one limit the damage; Together's older hex keys are just an older format.
        findings.push(
          makeFinding('hygiene.legacy-key', {
            title: `${winner.variable} in ${describeSource(winner)} is a legacy ${provider.name} user key`,
            detail: 'A legacy user key reaches every project of the account; a project key limits the damage if it leaks.',
            fix: `Create a project key at ${provider.dashboard.keys}, switch to it, and revoke the legacy key.`,
            ...(location ? { location } : {}),
            secret: secretRef(winner, ctx.resolved),
          }),
        );
      }
    }
    return { status: findings.length ? 'fail' : 'pass', findings };
  },
};
