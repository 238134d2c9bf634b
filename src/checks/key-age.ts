import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';
import { storedAtOf } from '../stores/key-records.js';
import { describeSource, entryLocation, secretRef } from './secret-ref.js';
import type { Check } from './types.js';

/** design.md: a key older than this many days is due for rotation, unless the project says otherwise. */
export const DEFAULT_ROTATION_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `hygiene.key-age`: each key in use that keyward recorded when it was stored (setup, rotate) and
 * that is older than the rotation period. Keys keyward never stored have no known age and are
 * named in the note, not reported.
 */
export const keyAgeCheck: Check = {
  id: 'hygiene.key-age',
  async run(ctx) {
    const records = await ctx.keyRecords();
    const days = ctx.rotationDays ?? ctx.project.rotationDays ?? DEFAULT_ROTATION_DAYS;
    const now = ctx.now().getTime();
    const findings: Finding[] = [];
    let unknown = 0;
    for (const { winner, provider } of ctx.resolved) {
      if (winner.secret.length === 0) continue;
      const storedAt = storedAtOf(records, provider.id, winner.secret.fingerprint);
      if (!storedAt) {
        unknown += 1;
        continue;
      }
      const age = Math.floor((now - storedAt.getTime()) / DAY_MS);
      if (age <= days) continue;
      const date = storedAt.toISOString().slice(0, 10);
      const location = entryLocation(winner);
      findings.push(
        makeFinding('hygiene.key-age', {
          title: `The ${provider.name} key in ${describeSource(winner)} is ${age} days old (stored ${date})`,
          detail: `keyward recorded storing ${winner.secret.redacted} (${winner.secret.fingerprint}) on ${date}; the rotation period is ${days} days. A key that lives long has had more chances to leak unnoticed.`,
          fix: `Run \`keyward rotate --provider ${provider.id}\`, then revoke the old key at ${provider.dashboard.revoke}.`,
          ...(location ? { location } : {}),
          secret: secretRef(winner, ctx.resolved),
        }),
      );
    }
    const note = unknown ? `age unknown for ${unknown} key${unknown === 1 ? '' : 's'} not stored by keyward (setup or rotate records it)` : undefined;
    if (findings.length) return { status: 'fail', findings, ...(note ? { note } : {}) };
    if (ctx.resolved.length === 0 || unknown === ctx.resolved.length) return { status: 'skip', findings, note: note ?? 'no key in use' };
    return { status: 'pass', findings, ...(note ? { note } : {}) };
  },
};
