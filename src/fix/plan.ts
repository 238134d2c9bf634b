import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Report } from '../core/report.js';
import { providerForVariable } from '../providers/index.js';
import { assignsVariable } from '../stores/dotenv-edit.js';
import { readDotenvFile } from '../stores/dotenv-file.js';
import type { ManualStep, PlannedFix } from '../core/fix-plan.js';

/** The monorepo app whose folder holds `file`, if any. */
function appOf(report: Report, file: string): { name: string; path: string; language: 'node' | 'python' | 'unknown' } | undefined {
  return (report.apps ?? []).filter((a) => a.path !== '.' && file.startsWith(`${a.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
}

/** sha256 of a file's bytes, or null when it does not exist: the "as seen" mark of a plan. */
export async function fileDigest(path: string): Promise<string | null> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch {
    return null;
  }
}

const MANUAL_RULES = new Set(['exposure.source-literal', 'exposure.history', 'exposure.bundle', 'exposure.log', 'exposure.browser-env', 'exposure.browser-client', 'hygiene.admin-key', 'hygiene.legacy-key', 'hygiene.key-age']);

/**
 * The safe fixes for a report's findings, and the steps left to a person. `toKeychain` adds moving
 * keys from .env files into the OS keychain, which changes where the app reads them and so is
 * only done on request.
 */
export async function planFixes(root: string, report: Report, opts: { toKeychain: boolean; project: string }): Promise<{ fixes: PlannedFix[]; manual: ManualStep[] }> {
  const fixes: PlannedFix[] = [];
  const digest = async (file: string) => fileDigest(join(root, file));
  const planned = new Set<string>();
  const add = async (key: string, fix: Omit<PlannedFix, 'seen'>, files: string[]) => {
    if (planned.has(key)) return;
    planned.add(key);
    const seen: Record<string, string | null> = {};
    for (const f of files) seen[f] = await digest(f);
    fixes.push({ ...fix, seen });
  };

  const keyFiles = new Set<string>();
  for (const f of report.findings) {
    const file = f.location?.file;
    if (!file) continue;
    if (f.rule === 'exposure.env-tracked') {
      keyFiles.add(file);
      await add(`untrack:${file}`, { action: { kind: 'untrack', file }, describe: `Stop tracking ${file} (git rm --cached ${file}; the file stays on disk)` }, [file]);
      await add(`gitignore:${file}`, { action: { kind: 'gitignore', file, line: `/${file}` }, describe: `Add "/${file}" to .gitignore` }, [file, '.gitignore']);
    } else if (f.rule === 'exposure.env-not-ignored') {
      keyFiles.add(file);
      await add(`gitignore:${file}`, { action: { kind: 'gitignore', file, line: `/${file}` }, describe: `Add "/${file}" to .gitignore` }, [file, '.gitignore']);
    } else if (f.rule === 'exposure.file-permissions') {
      keyFiles.add(file);
      await add(`chmod:${file}`, { action: { kind: 'chmod', file }, describe: `chmod 600 ${file} (readable by you only)` }, [file]);
    }
  }
  for (const k of report.keys) {
    if (k.source === 'dotenv' && k.file) keyFiles.add(k.file);
    for (const s of k.shadows) if (s.source === 'dotenv' && s.file) keyFiles.add(s.file);
  }

  // .env.example beside the key files (each app of a monorepo has its own): the variable names, without
  // values. A folder with a template of its own (`.env.local.example`) is left as its maintainers wrote it.
  const templates = new Set([...(report.project?.templates ?? []), ...(report.apps ?? []).flatMap((a) => a.templates)]);
  const missing = new Map<string, Set<string>>();
  for (const file of keyFiles) {
    const read = await readDotenvFile(root, file);
    if (!read.ok) continue;
    const example = join(dirname(file), '.env.example');
    const ownTemplate = [...templates].some((t) => dirname(t) === dirname(file) && t !== example);
    const exampleText = await readFile(join(root, example), 'utf8').catch(() => null);
    for (const [variable, { value }] of read.values) {
      if (value.trim() === '' || !providerForVariable(variable)) continue;
      if (!ownTemplate && (exampleText === null || !assignsVariable(exampleText, variable))) missing.set(example, (missing.get(example) ?? new Set()).add(variable));
      if (opts.toKeychain) {
        const app = appOf(report, file);
        const language = app?.language ?? report.project?.language ?? 'unknown';
        await add(`to-keychain:${file}:${variable}`, { action: { kind: 'to-keychain', file, variable, provider: providerForVariable(variable)!.id, project: app?.name ?? opts.project, folder: app?.path ?? '.', language }, describe: `Move ${variable} from ${file} into the OS keychain` }, [file]);
      }
    }
  }
  for (const [example, variables] of missing) {
    const names = [...variables].sort();
    const exists = (await fileDigest(join(root, example))) !== null;
    await add(`example:${example}`, { action: { kind: 'example', file: example, variables: names }, describe: `${exists ? 'Update' : 'Create'} ${example} with ${names.join(', ')} (names only, no values)` }, [example]);
  }

  const manual: ManualStep[] = [];
  for (const f of report.findings) {
    if (MANUAL_RULES.has(f.rule)) manual.push({ rule: f.rule, step: f.fix });
    // Untracking stops the next leak; the key already in history stays valid until revoked.
    else if (f.rule === 'exposure.env-tracked' && f.secret) {
      manual.push({ rule: f.rule, step: `Revoke ${f.secret.redacted} (${f.secret.fingerprint}) at the provider and create a new key: it is in git history.` });
    }
  }
  return { fixes, manual: dedupe(manual) };
}

function dedupe(steps: ManualStep[]): ManualStep[] {
  const seen = new Set<string>();
  return steps.filter((s) => (seen.has(s.step) ? false : (seen.add(s.step), true)));
}
