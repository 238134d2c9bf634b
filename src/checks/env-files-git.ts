import type { Finding } from '../core/finding.js';
import { makeFinding } from '../core/rules.js';
import { ignoredPaths, trackedPaths } from '../git/repo.js';
import { keysInDotenvFiles } from './dotenv-holdings.js';
import { aKeyOf, secretRef } from './secret-ref.js';
import type { Check } from './types.js';

/** `exposure.env-tracked` / `exposure.env-not-ignored`, answered by git itself, never by reading .gitignore. */
export const envFilesGitCheck: Check = {
  id: 'exposure.env-files',
  async run(ctx) {
    if (ctx.repo.kind === 'none') return { status: 'skip', findings: [], note: 'not a git repository' };
    if (ctx.repo.kind === 'broken') return { status: 'error', findings: [], note: `git cannot read the repository: ${ctx.repo.reason}` };
    const holding = keysInDotenvFiles(ctx);
    const files = holding.map((h) => h.file);
    const tracked = await trackedPaths(ctx.git, ctx.root, files);
    const ignored = await ignoredPaths(ctx.git, ctx.root, files);
    const findings: Finding[] = [];
    for (const { file, keys } of holding) {
      const first = keys[0]!;
      const names = keys.map((k) => k.variable).join(', ');
      if (tracked.has(file)) {
        for (const key of keys) {
          findings.push(
            makeFinding('exposure.env-tracked', {
              title: `${file} is committed to git and holds ${aKeyOf(key.provider.name)} (${key.variable})`,
              detail: `Anyone with the repository has ${key.secret.redacted} (${key.secret.fingerprint}); removing the file now does not remove it from history.`,
              fix: `Run \`git rm --cached ${file}\` and add \`/${file}\` to .gitignore, then revoke the key at ${key.provider.dashboard.revoke} and create a new one: it is in the history.`,
              location: { file, ...(key.line ? { line: key.line } : {}), commit: null, inHead: true },
              secret: secretRef(key, ctx.resolved),
            }),
          );
        }
      } else if (!ignored.has(file)) {
        findings.push(
          makeFinding('exposure.env-not-ignored', {
            title: `${file} holds keys (${names}) and git does not ignore it`,
            detail: `The next \`git add .\` commits ${first.secret.redacted}${keys.length > 1 ? ` and ${keys.length - 1} more` : ''}.`,
            fix: `Add the line \`/${file}\` to .gitignore (check with \`git check-ignore -v ${file}\`).`,
            location: { file, commit: null },
            secret: secretRef(first, ctx.resolved),
          }),
        );
      }
    }
    const note = ctx.repo.hasCommits ? undefined : 'the repository has no commits yet';
    return { status: findings.length ? 'fail' : 'pass', findings, ...(note ? { note } : {}) };
  },
};
