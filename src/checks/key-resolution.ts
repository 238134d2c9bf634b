import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';
import { identifyKey, namesOtherUse, providerForVariable, type Provider } from '../providers/index.js';
import { publicUseOf } from '../providers/public-use.js';
import { secretFor } from '../stores/collect.js';
import { holdsKey, inspectValue } from './key-value.js';
import { loadStep } from './advice.js';
import { appEnv, loadedFiles } from './app-env.js';
import { aKeyOf, describeSource, entryLocation, secretRef } from './secret-ref.js';
import type { Check, CheckContext } from './types.js';
import { gatewayOidcToken } from './vercel-oidc.js';

/** The variables this project reads for the provider, the one its code or SDK reads first leading. */
function variablesOf(ctx: CheckContext, providerId: string): string[] {
  const used = ctx.project.used.find((u) => u.provider.id === providerId);
  return used?.variables.length ? used.variables : ctx.providers.find((x) => x.id === providerId)!.envVars;
}

/** Setting a key by hand, in a sentence: where to create it and where to put it. */
function setKeyStep(ctx: CheckContext, providerId: string): string {
  const p = ctx.providers.find((x) => x.id === providerId)!;
  const variable = variablesOf(ctx, providerId)[0]!;
  return `Run \`keyward setup --provider ${p.id}\` (it tests the key and keeps it in the keychain or a .env file out of git), or create one at ${p.dashboard.keys} and set ${variable}${loadStep(ctx.project, variable)}`;
}

/**
 * The .env files that set one of `variables` but that the app's loader reads in no mode (`.env.local`
 * beside plain dotenv); a file of another mode (`.env.production` in development) is not one of them.
 */
function neverLoadedFilesSetting(ctx: CheckContext, provider: Provider, variables: readonly string[]): Array<{ file: string; variable: string; line: number | null }> {
  const { framework } = ctx.project;
  return ctx.dotenvFiles.flatMap(({ ref, read }) => {
    if (ref.order !== null || !read.ok || ['development', 'production', 'test'].some((mode) => framework.loadOrder(mode).includes(ref.file))) return [];
    // A placeholder there is no key to move.
    const variable = variables.find((v) => read.values.has(v) && holdsKey(read.values.get(v)!.value, provider));
    return variable ? [{ file: ref.file, variable, line: read.values.get(variable)!.line }] : [];
  });
}

/**
 * Keys of the provider's own shape that a file the app loads holds under a name the app does not
 * read (fragments' template names GOOGLE_AI_API_KEY; `@ai-sdk/google` reads GOOGLE_GENERATIVE_AI_API_KEY):
 * the usual reason for "no key" when the user has set one. Admin keys and browser keys are not the app's.
 */
function misnamedKeys(ctx: CheckContext, provider: Provider, variables: readonly string[]): Array<{ file: string; variable: string; line: number | null; redacted: string }> {
  return loadedFiles(ctx).flatMap(({ ref, read }) =>
    read.ok
      ? [...read.values].flatMap(([variable, { value, line }]) => {
          if (variables.includes(variable) || namesOtherUse(variable) || publicUseOf(provider.id, variable, '')) return [];
          const match = identifyKey(value.trim());
          return match?.provider.id === provider.id && match.format.kind !== 'admin' ? [{ file: ref.file, variable, line, redacted: secretFor(value.trim(), provider).redacted }] : [];
        })
      : [],
  );
}

/** Why a provider is optional (the configuration, a template's mark, or templates that leave it out), or null: its missing key is a note. */
function optionalWhy(ctx: CheckContext, provider: { id: string; name: string }): string | null {
  const used = ctx.project.used.find((u) => u.provider.id === provider.id);
  return used?.optional ? (used.optionalWhy ?? `The project marks ${provider.name} optional`) : null;
}

/** A Vercel project needs no gateway key: the OIDC token stands in, on Vercel and after `vercel env pull`. */
function gatewayTokenStep(providerId: string): string {
  return providerId === 'ai-gateway' ? ' For a project on Vercel, `vercel env pull` writes the OIDC token the gateway takes instead (VERCEL_OIDC_TOKEN in .env.local, 12 hours).' : '';
}

/** `missing.*`: is there a key for every provider the project uses, and is it one an API will take? */
export const keyResolutionCheck: Check = {
  id: 'keys.resolution',
  async run(ctx) {
    const findings: Finding[] = [];
    const env = appEnv(ctx);
    for (const provider of ctx.providers) {
      const resolved = ctx.resolved.find((r) => r.provider.id === provider.id);
      const why = optionalWhy(ctx, provider);
      const severity = why ? { severity: 'info' as const } : {};
      const optionalNote = why ? ` ${why}, so this is a note.` : '';
      const oidc = provider.id === 'ai-gateway' && !resolved ? gatewayOidcToken(ctx) : undefined;
      if (oidc && !(oidc.expires && oidc.expires <= ctx.now())) continue;
      if (oidc) {
        const at = oidc.expires!.toISOString().replace(/:\d\d\.\d+Z$/, ' UTC').replace('T', ' ');
        findings.push(
          makeFinding('missing.key', {
            ...severity,
            title: `No ${provider.name} key: ${oidc.variable} in ${oidc.where} expired at ${at}`,
            detail: `Without AI_GATEWAY_API_KEY the gateway takes the Vercel OIDC token, and \`vercel env pull\` writes one that lasts 12 hours; the gateway refuses this one.${optionalNote}`,
            fix: `Run \`vercel env pull\` for a new token, or create a key at ${provider.dashboard.keys} and set AI_GATEWAY_API_KEY${loadStep(ctx.project, 'AI_GATEWAY_API_KEY')}`,
          }),
        );
        continue;
      }
      if (!resolved) {
        const loaded = loadedFiles(ctx).map((f) => f.ref.file);
        const looked = ['the environment', ctx.keychain.usable ? 'the keychain' : null, loaded.length ? loaded.join(', ') : 'no .env file'].filter(Boolean).join(', ');
        const { framework } = ctx.project;
        const variables = variablesOf(ctx, provider.id);
        const unloaded = neverLoadedFilesSetting(ctx, provider, variables);
        const first = unloaded[0];
        const misnamed = first ? undefined : misnamedKeys(ctx, provider, variables)[0];
        const target = framework.loadOrder('development').includes('.env') ? '.env' : framework.loadOrder('development')[0];
        findings.push(
          makeFinding('missing.key', {
            ...severity,
            title: `No ${provider.name} key (${variables.join(' or ')})`,
            detail:
              `The project uses ${provider.name}, but no source the app loads holds its key (looked in ${looked}).` +
              unloaded.map(({ file, variable }) => ` ${file} sets ${variable}, but ${framework.id === 'unknown' ? 'the app does' : `${framework.name} does`} not load ${file}.`).join('') +
              (misnamed ? ` ${misnamed.file} holds ${aKeyOf(provider.name)} (${misnamed.redacted}) under ${misnamed.variable}, a name the app does not read.` : '') +
              optionalNote,
            fix:
              first && target
                ? `Move the ${first.variable} line from ${first.file} to ${target}${framework.id === 'unknown' ? '' : `, the file ${framework.name} loads`}.`
                : misnamed
                  ? `Rename ${misnamed.variable} to ${variables[0]} in ${misnamed.file}.`
                  : setKeyStep(ctx, provider.id) + gatewayTokenStep(provider.id),
            ...(first ? { location: { file: first.file, ...(first.line !== null ? { line: first.line } : {}) } } : {}),
            ...(misnamed ? { location: { file: misnamed.file, ...(misnamed.line !== null ? { line: misnamed.line } : {}) } } : {}),
          }),
        );
        continue;
      }
      const { winner, shadowed } = resolved;
      const problem = inspectValue(winner.secret.reveal(), provider, env);
      const where = describeSource(winner);
      const location = entryLocation(winner);
      if (problem?.kind === 'empty') {
        findings.push(
          makeFinding('missing.empty', {
            // An optional key left empty is what copying the template gives (chatbot-ui's seven `KEY=` lines under "Optional").
            ...severity,
            title: `${winner.variable} is set but empty in ${where}`,
            detail: `An app reads an empty ${winner.variable}${winner.source === 'env' ? ', and dotenv will not override a variable that is already set, even to an empty value' : ''}.${optionalNote}`,
            fix: winner.source === 'env' ? `Run \`unset ${winner.variable}\` (or remove it from your shell profile), or set it to the key.` : setKeyStep(ctx, provider.id),
            ...(location ? { location } : {}),
          }),
        );
      } else if (problem?.kind === 'malformed' && problem.placeholder) {
        // A stand-in is no key at all: one finding that the key is not set, and nothing of it to redact.
        findings.push(
          makeFinding('missing.key', {
            ...severity,
            title: `No ${provider.name} key: ${winner.variable} in ${winner.source === 'env' ? 'the environment' : where} is a placeholder`,
            detail: `${winner.source === 'env' ? 'The environment' : where} sets ${winner.variable} to a stand-in (like sk-... or your-key-here), not a key, so the app has no ${provider.name} key${winner.source === 'env' ? '' : '; nothing secret is in the file'}.${optionalNote}`,
            // An exported stand-in (a README's `export OPENAI_API_KEY='sk_...'`) wins over every .env file: setting one more changes nothing.
            fix:
              winner.source === 'env'
                ? `Run \`unset ${winner.variable}\` (and remove the export from your shell profile): the environment wins over every .env file${shadowed.length ? `, so the app gets the key in ${describeSource(shadowed[0]!)} once it is gone` : ''}.`
                : setKeyStep(ctx, provider.id),
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
      // A placeholder behind a real key changes nothing an app sees.
      for (const other of shadowed.filter((o) => holdsKey(o.secret.reveal(), provider))) {
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
      status: findings.some((f) => f.severity !== 'info') ? 'fail' : unreadable.length ? 'error' : 'pass',
      findings,
      ...(unreadable.length ? { note: `could not read: ${unreadable.join('; ')}` } : {}),
    };
  },
};
