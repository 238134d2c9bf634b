import type { Finding, Location } from '../core/finding.js';
import { makeFinding, type RuleId } from '../core/rules.js';
import { findProvider } from '../providers/index.js';
import type { ClientHit, KeyHit } from './detect.js';
import { isBrowserVariable, placeOf } from './paths.js';

/** Which exposure rule a key at `path` breaks; null for a key where it belongs (an ignored .env). */
export function ruleForKey(path: string, hit: KeyHit, ignored: boolean): RuleId | null {
  const place = placeOf(path);
  if (place === 'bundle') return 'exposure.bundle';
  if (place === 'log') return 'exposure.log';
  if (isBrowserVariable(hit.variable)) return 'exposure.browser-env';
  if (ignored) return null;
  return 'exposure.source-literal';
}

const KIND_LABEL: Record<string, string> = {
  project: 'project key',
  'service-account': 'service-account key',
  admin: 'admin key',
  legacy: 'legacy user key',
  api: 'key',
  org: 'organization token',
};

function describe(hit: KeyHit): { name: string; label: string; revoke: string; envVar: string } {
  const p = findProvider(hit.provider);
  return {
    name: p?.name ?? hit.provider,
    label: `${p?.name ?? hit.provider} ${KIND_LABEL[hit.kind] ?? 'key'}`,
    revoke: p?.dashboard.revoke ?? 'the provider dashboard',
    envVar: p?.envVars[0] ?? 'the provider variable',
  };
}

/**
 * How the file's own language reads a variable, for "replace the literal with …": a key in a
 * `.py` file is not told `process.env`. Files that are not code say where the key goes instead.
 */
export function literalFix(file: string, envVar: string): string {
  const name = file.split('/').pop()!.toLowerCase();
  const ext = /\.([a-z0-9]+)$/.exec(name)?.[1] ?? '';
  if (ext === 'ipynb') return `read it with os.environ["${envVar}"] in the notebook's code and clear saved outputs (\`jupyter nbconvert --clear-output --inplace ${file}\`)`;
  if (['py', 'pyi', 'pyw'].includes(ext)) return `replace the literal with os.environ["${envVar}"] (import os)`;
  if (['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'vue', 'svelte', 'astro'].includes(ext)) return `replace the literal with process.env.${envVar} (server code only)`;
  if (ext === 'rb') return `replace the literal with ENV.fetch("${envVar}")`;
  if (ext === 'go') return `replace the literal with os.Getenv("${envVar}")`;
  if (['java', 'kt'].includes(ext)) return `replace the literal with System.getenv("${envVar}")`;
  if (ext === 'rs') return `replace the literal with std::env::var("${envVar}")`;
  if (ext === 'php') return `replace the literal with getenv('${envVar}')`;
  if (ext === 'cs') return `replace the literal with Environment.GetEnvironmentVariable("${envVar}")`;
  if (['sh', 'bash', 'zsh'].includes(ext)) return `replace the literal with "$${envVar}", set in the environment that runs the script`;
  if (name === 'dockerfile' || name.startsWith('dockerfile.') || ext === 'dockerfile') return `remove it from the image and pass it when the container starts (\`docker run -e ${envVar}\`, or your platform's secrets)`;
  if (['yml', 'yaml'].includes(ext) && file.includes('.github/')) return `replace the literal with \`\${{ secrets.${envVar} }}\` and store the key as a repository secret`;
  if (/env/.test(name) && /(^|\.)(example|sample|template|dist|defaults)(\.|$)/.test(name)) return `replace the value with a placeholder (${envVar}=) so the template names the variable only`;
  if (/^\.env(\.|$)/.test(name)) return `add \`/${file}\` to .gitignore (and run \`git rm --cached ${file}\` if it is committed)`;
  if (['md', 'mdx', 'rst', 'txt', 'html'].includes(ext)) return `replace it with a placeholder such as ${envVar}=your-key-here`;
  return `move it out of the file into the environment variable ${envVar}`;
}

function at(l: Location): string {
  return `${l.file}${l.line ? `:${l.line}` : ''}`;
}

/** The finding for one key at one place; `active` marks the key the project uses now, to rotate first. */
export function keyFinding(rule: RuleId, hit: KeyHit, location: Location, active: boolean, extra = ''): Finding {
  const f = plainKeyFinding(rule, hit, location, extra);
  return active ? asActive(f) : f;
}

/**
 * A key finding told that its key is the one the project uses now (a no-op for any other finding):
 * what keyFinding makes with `active`, for a scan that learns the project's keys after it read the files.
 */
export function asActive(f: Finding): Finding {
  if (!f.secret || f.secret.active) return f;
  return { ...f, title: `Active ${f.title}`, detail: `${f.detail} This is the key the project uses now: rotate it first.`, secret: { ...f.secret, active: true } };
}

function plainKeyFinding(rule: RuleId, hit: KeyHit, location: Location, extra: string): Finding {
  if (hit.publicUse) return publicKeyFinding(rule, hit, hit.publicUse, location, extra);
  const d = describe(hit);
  const who = d.label;
  const said = `${hit.redacted} (${hit.fingerprint})`;
  const where = at(location);
  let title: string;
  let detail: string;
  let fix: string;
  switch (rule) {
    case 'exposure.bundle':
      title = `${who} inside built asset ${location.file}`;
      detail = `${said} is inlined in ${where}, a built client asset: everyone who loads the app can read it, whether git tracks the file or not.`;
      fix = `Rotate the key at ${d.revoke}. Keep it server-side (an API route or proxy reads ${d.envVar}) so no build inlines it, then rebuild.`;
      break;
    case 'exposure.log':
      title = `${who} written to log ${location.file}`;
      detail = `${said} appears in ${where}; logs get copied, shipped and attached to tickets.`;
      fix = `Rotate the key at ${d.revoke}, delete or scrub ${location.file}, and stop logging request headers or environment dumps.`;
      break;
    case 'exposure.browser-env': {
      const v = hit.variable ?? 'the variable';
      title = `${who} under ${v}, which is shipped to the browser`;
      detail = `${said} is assigned to ${v} in ${where}; frameworks inline variables with this prefix into client code, so every visitor gets the key.`;
      fix = `Rotate the key at ${d.revoke}, rename the variable to ${d.envVar} (no public prefix) and call ${d.name} only from server code.`;
      break;
    }
    case 'exposure.history':
      title = `${who} in git history (${location.file}${location.commit ? `, commit ${location.commit.slice(0, 7)}` : ''})`;
      detail = `${said} was committed in ${where}${location.commit ? ` by commit ${location.commit.slice(0, 12)}` : ''}${location.inHead ? ' and is still in HEAD' : ' and is no longer in the working tree'}: deleting a file does not remove it from history or revoke it.`;
      fix = `Rotate the key at ${d.revoke} now; that is what makes the leak harmless. Rewrite history only if you must (git filter-repo --replace-text, or BFG Repo-Cleaner), then force-push and have everyone re-clone.`;
      break;
    default:
      if (hit.cell) {
        const { cell, part } = hit.cell;
        title = `${who} in ${location.file}, cell ${cell} (${part === 'output' ? 'a saved output' : 'its code'})`;
        detail = `${said} is in ${part === 'output' ? 'the saved output of' : 'the code of'} cell ${cell} of ${location.file} (${where}); a notebook keeps outputs in the file, so anyone with it has the key.`;
        fix = `Rotate the key at ${d.revoke}. ${part === 'output' ? `Clear the outputs (\`jupyter nbconvert --clear-output --inplace ${location.file}\`) and stop printing the key` : `Read it with os.environ["${d.envVar}"] instead of the literal`}, then store the new key with \`keyward setup\`.`;
        break;
      }
      title = `${who} hardcoded in ${location.file}`;
      detail = `${said} is written in ${where}, a file git does not ignore: anyone with the code has the key.`;
      fix = `Rotate the key at ${d.revoke}, ${literalFix(location.file, d.envVar)}, and store the new key with \`keyward setup\`.`;
  }
  return makeFinding(rule, {
    title,
    detail: `${detail}${extra}`,
    fix,
    location,
    secret: { provider: hit.provider, kind: hit.kind, fingerprint: hit.fingerprint, redacted: hit.redacted, active: false },
  });
}

/**
 * A Google API key whose surroundings say it is a Firebase or Maps key (see providers/public-use):
 * public by design, so not critical, and not "move it to the server", which would break the app;
 * it matters because the same key reaches Gemini when its project and restrictions let it.
 */
function publicKeyFinding(rule: RuleId, hit: KeyHit, service: string, location: Location, extra: string): Finding {
  const label = `Google API key for ${service}`;
  const where = at(location);
  const history = rule === 'exposure.history';
  const title =
    rule === 'exposure.bundle'
      ? `${label} inside built asset ${location.file}`
      : rule === 'exposure.log'
        ? `${label} written to log ${location.file}`
        : rule === 'exposure.browser-env'
          ? `${label} under ${hit.variable ?? 'a browser variable'}, shipped to the browser`
          : history
            ? `${label} in git history (${location.file}${location.commit ? `, commit ${location.commit.slice(0, 7)}` : ''})`
            : `${label} in ${location.file}`;
  return makeFinding(rule, {
    severity: history ? 'low' : 'medium',
    title,
    detail:
      `${hit.redacted} (${hit.fingerprint}) is in ${where}${history && location.commit ? ` (commit ${location.commit.slice(0, 12)})` : ''}. ` +
      `The ${service} guides put such keys in client code, so it is public by design; but a Google API key also calls Gemini once the Generative Language API is on in its Google Cloud project and the key's API restrictions allow it, and then whoever reads it spends on your account.${extra}`,
    fix:
      `In the Google Cloud console (APIs & Services → Credentials), restrict the key to the APIs ${service} needs (never the Generative Language API) and to your sites or apps; give Gemini a key of its own, read on the server (GEMINI_API_KEY). ` +
      '`keyward doctor` without --offline checks whether this key reaches Gemini now.',
    location,
    secret: { provider: hit.provider, kind: 'browser', fingerprint: hit.fingerprint, redacted: hit.redacted, active: false },
  });
}

/** The finding for `dangerouslyAllowBrowser: true`. */
export function clientFinding(path: string, hit: ClientHit): Finding {
  return makeFinding('exposure.browser-client', {
    title: `LLM client built with dangerouslyAllowBrowser: true in ${path}`,
    detail: `${path}:${hit.line} constructs a client that runs in the browser, which needs the key in client code where every visitor can read it.`,
    fix: 'Move the call to server code (an API route or a proxy that holds the key) and remove dangerouslyAllowBrowser.',
    location: { file: path, line: hit.line, column: hit.column, commit: null },
  });
}
