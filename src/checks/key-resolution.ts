import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';
import { providerForVariable, type Provider } from '../providers/index.js';
import { inspectValue } from './key-value.js';
import { aKeyOf, describeSource, entryLocation, secretRef } from './secret-ref.js';
import type { Check, CheckContext } from './types.js';

/** The variables the project reads for the provider, the one it reads first first. */
function variablesOf(ctx: CheckContext, p: Provider): string[] {
  return ctx.project.used.find((u) => u.provider.id === p.id)?.variables ?? p.envVars;
}

/** Setting a key by hand, in a sentence: where to create it and where to put it. */
function setKeyStep(ctx: CheckContext, providerId: string): string {
  const p = ctx.providers.find((x) => x.id === providerId)!;
  const variable = variablesOf(ctx, p)[0];
  return `Run \`keyward setup --provider ${p.id}\` (it tests the key and keeps it in the keychain or a .env file out of git), or create one at ${p.dashboard.keys} and set ${variable}.`;
}

/** `missing.*`: is there a key for every provider the project uses, and is it one an API will take? */
export const keyResolutionCheck: Check = {
  id: 'keys.resolution',
  async run(ctx) {
    const findings: Finding[] = [];
    for (const provider of ctx.providers) {
      const resolved = ctx.resolved.find((r) => r.provider.id === provider.id);
      if (!resolved) {
        const looked = ['the environment', ctx.keychain.usable ? 'the keychain' : null, ctx.dotenvFiles.length ? ctx.dotenvFiles.map((f) => f.ref.file).join(', ') : 'no .env file']
          .filter(Boolean)
          .join(', ');
        findings.push(
          makeFinding('missing.key', {
            title: `No ${provider.name} key (${variablesOf(ctx, provider).join(' or ')})`,
            detail: `The project uses ${provider.name}, but no source holds its key (looked in ${looked}).`,
            fix: setKeyStep(ctx, provider.id),
          }),
        );
        continue;
      }
      const { winner, shadowed } = resolved;
      const problem = inspectValue(winner.secret.reveal(), provider, ctx.env);
      const where = describeSource(winner);
      const location = entryLocation(winner);
      if (problem?.kind === 'empty') {
        findings.push(
          makeFinding('missing.empty', {
            title: `${winner.variable} is set but empty in ${where}`,
            detail: `An app reads an empty ${winner.variable}${winner.source === 'env' ? ', and dotenv will not override a variable that is already set, even to an empty value' : ''}.`,
            fix: winner.source === 'env' ? `Run \`unset ${winner.variable}\` (or remove it from your shell profile), or set it to the key.` : setKeyStep(ctx, provider.id),
            ...(location ? { location } : {}),
          }),
        );
      } else if (problem?.kind === 'malformed') {
        findings.push(
          makeFinding('missing.malformed', {
            severity: problem.what.startsWith('the value does not have the shape') ? 'medium' : 'high',
            title: `${winner.variable} in ${where} is not a usable key: ${problem.what}`,
            detail: `The ${provider.name} API will reject it (${winner.secret.redacted}, ${winner.secret.fingerprint}).`,
            fix: problem.fix,
            ...(location ? { location } : {}),
            secret: secretRef(winner, ctx.resolved),
          }),
        );
      } else if (problem?.kind === 'wrong-provider') {
        findings.push(
          makeFinding('missing.wrong-provider', {
            title: `${winner.variable} in ${where} holds ${aKeyOf(problem.other.name)}`,
            detail: `${winner.secret.redacted} has the format of ${problem.other.name} keys; the ${provider.name} API will reject it.`,
            fix: `Put the ${problem.other.name} key in ${problem.other.envVars[0]} and ${aKeyOf(provider.name)} (${provider.dashboard.keys}) in ${winner.variable}; or, for a gateway, set ${provider.api.baseUrlEnv ?? 'the base URL'} to it.`,
            ...(location ? { location } : {}),
            secret: secretRef(winner, ctx.resolved),
          }),
        );
      }
      for (const other of shadowed) {
        const otherLocation = entryLocation(other);
        findings.push(
          makeFinding('missing.shadowed', {
            title: `${describeSource(winner)} shadows a different ${provider.name} key in ${describeSource(other)}`,
            detail: `The app gets ${winner.secret.redacted} (${winner.secret.fingerprint}) from ${where}; ${describeSource(other)} holds ${other.secret.redacted} (${other.secret.fingerprint}). Which one an app uses depends on how it loads them.`,
            fix:
              winner.source === 'env'
                ? `If the ${describeSource(other)} key is the right one, run \`unset ${winner.variable}\` (and remove the export from your shell profile); otherwise delete the stale line from ${describeSource(other)}.`
                : `Keep one key: delete the stale one from ${describeSource(other)}, or from ${where}.`,
            ...(otherLocation ? { location: otherLocation } : {}),
            secret: secretRef(other, ctx.resolved),
          }),
        );
      }
    }
    for (const { ref, read } of ctx.dotenvFiles) {
      if (!read.ok) continue;
      for (const { line, name } of read.lines.noEquals) {
        const provider = providerForVariable(name);
        if (!provider) continue;
        findings.push(
          makeFinding('missing.malformed', {
            title: `${ref.file} line ${line}: ${name} has no "=", so it is not set`,
            detail: 'dotenv skips lines without "=" silently; the app never sees this key.',
            fix: `Write it as ${name}=<key> on line ${line} of ${ref.file}.`,
            location: { file: ref.file, line },
          }),
        );
      }
    }
    const unreadable = ctx.dotenvFiles.filter((f) => !f.read.ok).map((f) => (f.read.ok ? '' : f.read.reason));
    return {
      status: findings.length ? 'fail' : unreadable.length ? 'error' : 'pass',
      findings,
      ...(unreadable.length ? { note: `could not read: ${unreadable.join('; ')}` } : {}),
    };
  },
};
