import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { askForKey, pipedKey } from '../checks/paste.js';
import { dashboardForm } from '../checks/secret-ref.js';
import { buildContext, type DoctorIO } from '../checks/run-doctor.js';
import { cancelled, failure, isKeywardError, needsAnswer, usageError } from '../core/errors.js';
import { beforeChanges, untilInterrupted, type BeforeChanges } from '../core/interrupt.js';
import type { Finding } from '../core/finding.js';
import type { CallReport } from '../core/report.js';
import type { Secret } from '../core/secret.js';
import { findProvider, PROVIDER_IDS, type Provider } from '../providers/index.js';
import type { Prompter } from '../prompts/types.js';
import { createBlobShare, scanHistory, scanWorktree } from '../scanner/index.js';
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

/** The results of the new key's test calls (titles and fixes never hold a key). */
export type KeyTestResults = Array<{ call: CallReport; finding: Finding | null }>;

/** What rotation takes besides the project's IO. */
export interface RotatePorts {
  /** null without a terminal: the new key must then come from `--key-stdin`. */
  prompter: Prompter | null;
  readStdin: () => Promise<string>;
  /** The new key's live test: the base URL its calls go to (null when the provider has no API keyward can call), and the calls. */
  test: {
    endpoint(provider: Provider): string | null;
    run(provider: Provider, key: Secret, onCall: (call: CallReport) => void): Promise<KeyTestResults>;
  };
  /**
   * Shows the calls while they run (a spinner in a terminal) and their outcome after; returns the
   * results. An abort of `interrupt` (Ctrl-C) erases the progress and rejects with a `cancelled` error.
   */
  showCalls(provider: Provider, key: Secret, baseURL: string, run: (onCall: (call: CallReport) => void) => Promise<KeyTestResults>, interrupt?: AbortSignal): Promise<KeyTestResults>;
  recordKey: KeyRecorder;
  /** One line of output (fingerprints, redacted forms and locations only, never a key). */
  say: (line: string) => void;
  /** A line about the key or a choice, with its mark. */
  note: (level: 'info' | 'ok' | 'warn' | 'error', text: string) => void;
  /** Aborted by Ctrl-C while no prompt reads the terminal (the prompts turn it into a `cancelled` error themselves). */
  interrupt?: AbortSignal;
}

export type RotateResult =
  | { replaced: true; provider: string; oldFingerprint: string; newFingerprint: string; copies: number }
  | { replaced: false; reason: 'test-failed' | 'declined' };

/** What a rotation stopped before the store says: the old key is where it was. */
const unchangedLine = (oldShown: string, place: string): string => `nothing was replaced; ${oldShown} is still in ${place}`;

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
async function huntOldKey(io: DoctorIO, old: Secret, entries: readonly KeyEntry[], replaced: KeyEntry, signal: AbortSignal | undefined): Promise<string[]> {
  // Both scans, not their merge: the merge folds a history hit into the working-tree finding of the same key, and every place counts here.
  const opts = { root: io.root, git: io.git, env: io.env, useBaseline: false, blobShare: createBlobShare(), ...(signal ? { signal } : {}) };
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

/** What the new key is, once gathered: tested (or untested with a yes), or why there is none. */
type NewKeyChoice = { key: Secret } | { none: 'test-failed' | 'declined' };

/** Reads the new key: piped, or pasted until a usable one arrives that is not the stored one. */
async function readNewKey(flags: RotateFlags, ports: RotatePorts, provider: Provider, env: DoctorIO['env'], old: KeyEntry, oldShown: string): Promise<Secret> {
  if (flags.keyStdin) {
    const piped = secretFor(pipedKey(await ports.readStdin(), provider, env, ports.note, flags.yes === true).value, provider);
    if (piped.fingerprint === old.secret.fingerprint) throw usageError(`the new key is the key already stored (${oldShown})`, `Create a new key at ${provider.dashboard.keys} first.`);
    return piped;
  }
  const prompter = ports.prompter;
  if (!prompter) throw needsAnswer('the new key is needed and there is no terminal to ask', 'Pipe it in with --key-stdin (never as an argument).');
  for (;;) {
    const pasted = await askForKey(provider, env, {
      ask: () => prompter.secret(`Paste the new ${provider.name} key; it stays hidden`),
      tell: ports.note,
      confirm: async (question) => flags.yes === true || prompter.confirm(question, false),
    });
    const fresh = secretFor(pasted.value, provider);
    if (fresh.fingerprint !== old.secret.fingerprint) return fresh;
    ports.note('error', `That is the key already stored (${oldShown}); create a new key at ${provider.dashboard.keys} first.`);
  }
}

/**
 * Everything asked before anything changes: the new key, its test (retried on request, or another
 * key), and the yes to replace. Nothing here writes, so a refusal or Ctrl-C leaves the old key in place.
 */
async function chooseNewKey(flags: RotateFlags, ports: RotatePorts, guard: BeforeChanges, provider: Provider, env: DoctorIO['env'], old: KeyEntry, oldShown: string, place: string): Promise<NewKeyChoice> {
  const { prompter, note } = ports;
  for (;;) {
    const fresh = await readNewKey(flags, ports, provider, env, old, oldShown);
    const baseURL = ports.test.endpoint(provider);
    if (!baseURL && !flags.yes) {
      if (!prompter) throw needsAnswer(`${provider.name} has no API keyward can call, so the new key cannot be tested`, 'Pass --yes to store it untested.');
      note('warn', `${provider.name} has no API keyward can call, so the new key cannot be tested.`);
      if (!(await prompter.confirm('Store it untested?', false))) return { none: 'declined' };
    }
    let next: 'retry' | 'another' | 'store' = baseURL ? 'retry' : 'store';
    while (baseURL && next === 'retry') {
      const results = await guard.viewOwns(() => ports.showCalls(provider, fresh, baseURL, (onCall) => ports.test.run(provider, fresh, onCall), ports.interrupt));
      const failed = results.filter((r) => !r.call.ok && !r.call.skipped);
      if (failed.length === 0) {
        note('ok', 'The new key works: a completion and a streamed completion both answered.');
        next = 'store';
        break;
      }
      if (!prompter) return { none: 'test-failed' };
      const networkOnly = failed.every((r) => /^permission\.(network|timeout|server|rate-limit)$/.test(r.call.rule ?? ''));
      const answer = await prompter.select<'retry' | 'another' | 'cancel'>(
        'The new key did not pass its test. What now?',
        [
          { value: 'retry', name: 'Retry the test', description: 'The same key again: for a network, server or rate-limit problem.' },
          { value: 'another', name: 'Paste another key' },
          { value: 'cancel', name: `Cancel (nothing is replaced; ${dashboardForm(old.secret, provider)} stays in ${place})` },
        ],
        networkOnly ? 'retry' : 'another',
      );
      if (answer === 'cancel') return { none: 'test-failed' };
      next = answer;
    }
    if (next === 'another') continue;
    if (!flags.yes) {
      if (!prompter) throw needsAnswer('storing the new key needs a yes and there is no terminal to ask', 'Pass --yes.');
      if (!(await prompter.confirm(`Replace ${oldShown} with ${fresh.redacted} (${fresh.fingerprint}) in ${place}?`, true))) return { none: 'declined' };
    }
    return { key: fresh };
  }
}

/**
 * Replaces a stored key. First everything is asked: the new key (masked or `--key-stdin`, checked
 * and cleaned before anything is sent), its live test (with retry), and the yes. Then it acts:
 * stores the key where the old one was (the keychain entry, or the same `.env` line, atomically,
 * mode 0600), records the date, lists every place the old key is still found and where to revoke
 * it. A failed test, a no, or Ctrl-C before the store leaves the old key in place and says so.
 */
export async function runRotate(io: DoctorIO, flags: RotateFlags, ports: RotatePorts): Promise<RotateResult> {
  const guard = beforeChanges(ports.interrupt);
  let asked: Rotation | RotateResult;
  try {
    asked = await askRotation(io, flags, ports, guard);
  } finally {
    guard.release();
  }
  return 'replaced' in asked ? asked : replace(io, ports, asked);
}

/** The rotation agreed to, before anything is written. */
interface Rotation {
  ctx: Awaited<ReturnType<typeof buildContext>>;
  provider: Provider;
  old: KeyEntry;
  oldShown: string;
  place: string;
  fresh: Secret;
}

/** The provider, the new key, its test and the yes; Ctrl-C anywhere here leaves the old key in place and says so. */
async function askRotation(io: DoctorIO, flags: RotateFlags, ports: RotatePorts, guard: BeforeChanges): Promise<Rotation | RotateResult> {
  const { prompter, say } = ports;
  const ctx = await guard.race(buildContext(io, { providerIds: flags.provider ? [flags.provider] : [], live: 'off', history: false, failOn: 'high', timeoutMs: 0 }));
  // The key a rotation replaces is the stored one (keychain first, as keyward resolves): keyward cannot change a shell's environment.
  const stored = new Map<string, KeyEntry>();
  for (const r of ctx.resolved) {
    const entry = r.all.find((e) => e.source !== 'env' && e.secret.length > 0);
    if (entry) stored.set(r.provider.id, entry);
  }
  const provider = await chooseProvider(flags, stored, prompter);
  const old = stored.get(provider.id);
  if (!old) throw failure(`no ${provider.name} key is stored for this project (keychain or .env), so there is nothing to replace`, `Store one with \`keyward setup --provider ${provider.id}\`.`);
  // As the provider's dashboard lists it (prefix and last four), beside the fingerprint keyward's reports use.
  const oldShown = `${dashboardForm(old.secret, provider)} (${old.secret.fingerprint})`;
  const place = placeOf(old);
  const unchanged = unchangedLine(oldShown, place);
  say(`Replacing the ${provider.name} key ${oldShown} in ${place}.`);

  const choice = await guard.race(chooseNewKey(flags, ports, guard, provider, io.env, old, oldShown, place)).catch((e: unknown) => {
    throw isKeywardError(e) && e.kind === 'cancelled' ? cancelled(`Cancelled; ${unchanged}.`) : e;
  });
  if ('none' in choice) {
    say(choice.none === 'test-failed' ? `The new key did not pass its test: ${unchanged}.` : `Not replaced: ${oldShown} is still in ${place}.`);
    return { replaced: false, reason: choice.none };
  }
  return { ctx, provider, old, oldShown, place, fresh: choice.key };
}

/**
 * Stores the new key, then looks for copies of the old one. Ctrl-C lets the store finish (one
 * atomic write or one keychain call); after it, the message says the key is stored and what is
 * left: the search for copies and the revoke, each with where to do it.
 */
async function replace(io: DoctorIO, ports: RotatePorts, r: Rotation): Promise<RotateResult> {
  const { say, interrupt } = ports;
  const { ctx, provider, old, oldShown, place, fresh } = r;
  const unchanged = unchangedLine(oldShown, place);
  if (old.source === 'keychain') {
    const probe = await io.keychain();
    if (!probe.ok) throw failure(`the OS keychain cannot be used here: ${probe.problem.reason}; ${unchanged}`, probe.problem.fix);
    await storeProjectKey(probe.backend, provider.id, await keychainProject(ctx.project.name, ctx.project.root), fresh.reveal()).catch((e: unknown) => {
      throw failure(`the keychain did not store the new key (${e instanceof Error ? e.message : String(e)}); ${unchanged}`, 'Run `keyward doctor` to see why.');
    });
  } else {
    const path = join(io.root, old.file!);
    const text = await readFile(path, 'utf8');
    await writeFileAtomic(path, setDotenvValue(text, old.variable, fresh.reveal()), 0o600);
  }
  const stored = `Stored ${fresh.redacted} (${fresh.fingerprint}) in ${place}${old.source === 'dotenv' ? ' (mode 0600; every other line kept)' : ''}.`;
  say(stored);
  const revoke = `Revoke the old key ${oldShown} at ${provider.dashboard.revoke}`;
  const interrupted = () =>
    cancelled(
      [
        'Interrupted after the new key was stored.',
        `  Done: ${stored}`,
        `  Not done: Look for copies of the old key ${oldShown} in files, git history, logs and build output: run \`keyward scan --history\`.`,
        `  Not done: ${revoke}; it stays valid until you do.`,
      ].join('\n'),
    );
  await ports.recordKey({ provider: provider.id, project: ctx.project.name, fingerprint: fresh.fingerprint, store: old.source === 'keychain' ? 'keychain' : 'dotenv' }).catch(() => {
    say('The date was not recorded (the state folder cannot be written); `keyward doctor` cannot tell the key\'s age.');
  });
  const envKey = ctx.entries.find((e) => e.provider.id === provider.id && e.source === 'env' && e.secret.length > 0);
  if (envKey && envKey.secret.fingerprint !== fresh.fingerprint) {
    say(`Note: ${envKey.variable} in this shell's environment (${envKey.secret.fingerprint}) still overrides the stored key; update or unset it.`);
  }
  if (interrupt?.aborted) throw interrupted();

  say(`\nLooking for copies of the old key ${oldShown} in the working tree, git history, logs and build output…`);
  const places = await untilInterrupted(huntOldKey(io, old.secret, ctx.entries, old, interrupt), interrupt).catch((e: unknown) => {
    // A scan stopped by the same Ctrl-C may fail in its own words first.
    throw interrupt?.aborted ? interrupted() : e;
  });
  if (places.length === 0) say('  none found.');
  for (const p of places) say(`  ${p}`);
  say(`\n${revoke}`);
  say('It stays valid until you revoke it there: anyone with a copy of it can still use it.');
  return { replaced: true, provider: provider.id, oldFingerprint: old.secret.fingerprint, newFingerprint: fresh.fingerprint, copies: places.length };
}
