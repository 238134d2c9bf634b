import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectValue } from '../checks/key-value.js';
import { buildContext, type DoctorIO } from '../checks/run-doctor.js';
import { cancelled, failure, needsAnswer, usageError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Secret } from '../core/secret.js';
import { findProvider, PROVIDER_IDS, type Provider } from '../providers/index.js';
import type { Prompter } from '../prompts/types.js';
import { scanHistory, scanWorktree } from '../scanner/index.js';
import { writeFileAtomic } from '../stores/atomic-write.js';
import { secretFor } from '../stores/collect.js';
import { setDotenvValue } from '../stores/dotenv-edit.js';
import type { KeyRecorder } from '../stores/key-records.js';
import { keychainProject, storeProjectKey } from '../stores/keychain.js';
import type { KeyEntry } from '../stores/types.js';

/** `keyward rotate`'s flags as commander parsed them. */
export interface RotateFlags {
  provider?: string;
  keyStdin?: boolean;
  yes?: boolean;
}

/** The outcome of the new key's live test: whether it works, and why not. */
export interface KeyTestResult {
  ok: boolean;
  /** Findings that explain a failure (titles and fixes never hold a key). */
  findings: Finding[];
}

/** What rotation takes besides the project's IO. */
export interface RotatePorts {
  /** null without a terminal: the new key must then come from `--key-stdin`. */
  prompter: Prompter | null;
  readStdin: () => Promise<string>;
  /** Tests the new key with one live completion; null when the provider has no API keyward can call. */
  test: (provider: Provider, key: Secret) => Promise<KeyTestResult> | null;
  recordKey: KeyRecorder;
  /** One line of output (fingerprints and locations only, never a key or its redacted form). */
  say: (line: string) => void;
}

export type RotateResult = { replaced: true; provider: string; oldFingerprint: string; newFingerprint: string; copies: number } | { replaced: false; reason: 'test-failed' };

/** Why a value cannot be the new key of `provider` (empty, malformed, another provider's); null when it can. */
export function newKeyProblem(value: string, provider: Provider, env: DoctorIO['env']): string | null {
  if (value === '') return 'it is empty; paste the new key (the prompt hides it).';
  const problem = inspectValue(value, provider, env);
  if (!problem || problem.kind === 'empty') return null;
  if (problem.kind === 'wrong-provider') return `it is ${problem.other.name}'s key format, not ${provider.name}'s.`;
  // An unknown shape is left to the live test: providers change their formats.
  return problem.what.startsWith('the value does not have the shape') ? null : `${problem.what}.`;
}

/** Where a stored key lives, in words. */
function placeOf(entry: KeyEntry): string {
  return entry.source === 'keychain' ? `the OS keychain (keyward/${entry.account})` : `${entry.file}${entry.line ? ` line ${entry.line}` : ''}`;
}

/** The provider to rotate: `--provider`, the one stored key, or a question. */
async function chooseProvider(flags: RotateFlags, stored: Map<string, KeyEntry>, prompter: Prompter | null): Promise<Provider> {
  if (flags.provider) {
    const p = findProvider(flags.provider);
    if (!p) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
    return p;
  }
  const candidates = [...stored.values()].map((e) => e.provider);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw failure('this project has no stored key to rotate (keychain or .env)', 'Store one with `keyward setup`.');
  if (!prompter) throw needsAnswer('several providers have keys and there is no terminal to ask which one to rotate', `Pass --provider (${candidates.map((p) => p.id).join(' or ')}).`);
  const id = await prompter.select('Which key do you want to replace?', candidates.map((p) => ({ value: p.id, name: p.name, description: placeOf(stored.get(p.id)!) })));
  return findProvider(id)!;
}

/** Every place the old key is still found: files, history, logs, bundles, and the other stores. */
async function huntOldKey(io: DoctorIO, old: Secret, entries: readonly KeyEntry[], replaced: KeyEntry): Promise<string[]> {
  // Both scans, not their merge: the merge folds a history hit into the working-tree finding of the same key, and every place counts here.
  const opts = { root: io.root, git: io.git, env: io.env, useBaseline: false };
  const [worktree, history] = await Promise.all([scanWorktree(opts), scanHistory(opts)]);
  const places = new Set<string>();
  for (const f of [...worktree.findings, ...history.findings]) {
    if (f.secret?.fingerprint !== old.fingerprint || !f.location) continue;
    const at = `${f.location.file}${f.location.line ? `:${f.location.line}` : ''}`;
    // The file just rewritten no longer holds it in the working tree.
    if (!f.location.commit && replaced.source === 'dotenv' && f.location.file === replaced.file) continue;
    places.add(f.location.commit ? `${at} in git history (since commit ${f.location.commit.slice(0, 12)})` : `${at} (${f.rule})`);
  }
  for (const e of entries) {
    if (e === replaced || e.secret.fingerprint !== old.fingerprint) continue;
    places.add(e.source === 'env' ? `the environment of this shell (${e.variable})` : placeOf(e));
  }
  return [...places];
}

/**
 * Replaces a stored key: reads the new one (masked or `--key-stdin`), tests it with one live
 * completion, asks, stores it where the old one was (the keychain entry, or the same `.env` line,
 * atomically, mode 0600), records the date, then lists every place the old key is still found and
 * where to revoke it. Nothing is replaced before the new key passed its test and the person (or
 * `--yes`) agreed, so a failed test or Ctrl-C at any step leaves the old key in place.
 */
export async function runRotate(io: DoctorIO, flags: RotateFlags, ports: RotatePorts): Promise<RotateResult> {
  const { prompter, say } = ports;
  const ctx = await buildContext(io, { providerIds: flags.provider ? [flags.provider] : [], live: 'off', history: false, failOn: 'high', timeoutMs: 0 });
  // The key a rotation replaces is the stored one (keychain first, as keyward resolves): keyward cannot change a shell's environment.
  const stored = new Map<string, KeyEntry>();
  for (const r of ctx.resolved) {
    const entry = r.all.find((e) => e.source !== 'env' && e.secret.length > 0);
    if (entry) stored.set(r.provider.id, entry);
  }
  const provider = await chooseProvider(flags, stored, prompter);
  const old = stored.get(provider.id);
  if (!old) throw failure(`no ${provider.name} key is stored for this project (keychain or .env), so there is nothing to replace`, `Store one with \`keyward setup --provider ${provider.id}\`.`);
  const envKey = ctx.entries.find((e) => e.provider.id === provider.id && e.source === 'env' && e.secret.length > 0);
  say(`Replacing the ${provider.name} key ${old.secret.fingerprint} in ${placeOf(old)}.`);

  let value: string;
  if (flags.keyStdin) {
    value = (await ports.readStdin()).replace(/\r?\n$/, '');
  } else {
    if (!prompter) throw needsAnswer('the new key is needed and there is no terminal to ask', 'Pipe it in with --key-stdin (never as an argument).');
    value = await prompter.secret(`Paste the new ${provider.name} key; it stays hidden`, (v) => newKeyProblem(v.trim(), provider, io.env));
  }
  value = value.trim();
  const problem = newKeyProblem(value, provider, io.env);
  if (problem) throw usageError(`the new key is not usable: ${problem}`, 'Copy the whole key from the provider\'s dashboard.');
  const fresh = secretFor(value, provider);
  if (fresh.fingerprint === old.secret.fingerprint) throw usageError(`the new key is the key already stored (${fresh.fingerprint})`, `Create a new key at ${provider.dashboard.keys} first.`);

  const testing = ports.test(provider, fresh);
  if (testing) {
    say(`Testing the new key ${fresh.fingerprint} with one completion…`);
    const result = await testing;
    if (!result.ok) {
      for (const f of result.findings) say(`  ✖ ${f.title}\n      fix: ${f.fix}`);
      say(`The new key did not pass its test: nothing was replaced; ${old.secret.fingerprint} is still in ${placeOf(old)}.`);
      return { replaced: false, reason: 'test-failed' };
    }
    say('  ✓ the new key works.');
  } else if (!flags.yes) {
    throw needsAnswer(`${provider.name} has no API keyward can call, so the new key cannot be tested`, 'Pass --yes to store it untested.');
  }

  if (!flags.yes) {
    if (!prompter) throw needsAnswer('storing the new key needs a yes and there is no terminal to ask', 'Pass --yes.');
    if (!(await prompter.confirm(`Replace ${old.secret.fingerprint} with ${fresh.fingerprint} in ${placeOf(old)}?`, true))) throw cancelled();
  }

  if (old.source === 'keychain') {
    const probe = await io.keychain();
    if (!probe.ok) throw failure(`the OS keychain cannot be used here: ${probe.problem.reason}; nothing was replaced`, probe.problem.fix);
    await storeProjectKey(probe.backend, provider.id, await keychainProject(ctx.project.name, ctx.project.root), fresh.reveal()).catch((e: unknown) => {
      throw failure(`the keychain did not store the new key (${e instanceof Error ? e.message : String(e)}); the old one is still there`, 'Run `keyward doctor` to see why.');
    });
  } else {
    const path = join(io.root, old.file!);
    const text = await readFile(path, 'utf8');
    await writeFileAtomic(path, setDotenvValue(text, old.variable, fresh.reveal()), 0o600);
  }
  say(`Stored ${fresh.fingerprint} in ${placeOf(old)}${old.source === 'dotenv' ? ' (mode 0600; every other line kept)' : ''}.`);
  await ports.recordKey({ provider: provider.id, project: ctx.project.name, fingerprint: fresh.fingerprint, store: old.source === 'keychain' ? 'keychain' : 'dotenv' }).catch(() => {
    say('The date was not recorded (the state folder cannot be written); `keyward doctor` cannot tell the key\'s age.');
  });
  if (envKey && envKey.secret.fingerprint !== fresh.fingerprint) {
    say(`Note: ${envKey.variable} in this shell's environment (${envKey.secret.fingerprint}) still overrides the stored key; update or unset it.`);
  }

  say(`\nLooking for copies of the old key ${old.secret.fingerprint} (working tree, git history, logs, build output)…`);
  const places = await huntOldKey(io, old.secret, ctx.entries, old);
  if (places.length === 0) say('  none found.');
  for (const p of places) say(`  ${p}`);
  say(`\nRevoke the old key ${old.secret.fingerprint} at ${provider.dashboard.revoke}`);
  say('It stays valid until you revoke it there: anyone with a copy of it can still use it.');
  return { replaced: true, provider: provider.id, oldFingerprint: old.secret.fingerprint, newFingerprint: fresh.fingerprint, copies: places.length };
}
