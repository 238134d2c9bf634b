import { needsAnswer, usageError } from '../core/errors.js';
import { redact } from '../core/fingerprint.js';
import type { Env } from '../core/io.js';
import { identifyKey, PROVIDERS, type KeyKind, type Provider } from '../providers/index.js';
import { inspectValue } from './key-value.js';
import { aKeyOf } from './secret-ref.js';

/**
 * What a pasted value turned out to be. `notes` name each cleaning done (quotes, spaces, a double
 * paste); `line` is the one line shown after Enter: what arrived (never more than the redacted form),
 * why it is refused, or why it needs a yes. Only `key` may be sent to a provider without asking.
 */
export type PasteVerdict =
  | { verdict: 'key'; value: string; kind: KeyKind | null; notes: string[]; line: string }
  | { verdict: 'unsure'; value: string; notes: string[]; line: string }
  | { verdict: 'refused'; notes: string[]; line: string; other?: OtherProviderKey };

/** A paste that is clearly another provider's key: the cleaned value, that provider, and the line that says so without asking for anything. */
export interface OtherProviderKey {
  provider: Provider;
  value: string;
  line: string;
}

const KIND_WORDS: Record<KeyKind, string> = { project: 'project', 'service-account': 'service-account', admin: 'admin', legacy: 'legacy user', api: 'API', org: 'organization' };

/** Prefixes that start a key: where one begins inside a paste, a second key (or part of one) was joined on. */
const PREFIXES = [...new Set(PROVIDERS.flatMap((p) => p.formats.map((f) => f.prefix)).filter((p) => p.length >= 3))];
/** Prefixes long enough that finding one inside a random key body is never chance. */
const LONG_PREFIXES = PREFIXES.filter((p) => p.length >= 6);

/** The redacted form and length: all of a value that may be shown. */
function shown(value: string, provider: Provider): string {
  return `${redact(value, identifyKey(value, provider)?.format.prefix ?? '')}, ${value.length} characters`;
}

/** Whitespace in words: "spaces", "line break", "spaces and line breaks". */
function whitespaceWords(ws: string): string {
  const breaks = (ws.match(/\r?\n|\r/g) ?? []).length;
  const spaces = ws.replace(/\r?\n|\r/g, '').length;
  if (breaks && spaces) return 'spaces and line breaks';
  if (breaks) return breaks === 1 ? 'line break' : 'line breaks';
  return spaces === 1 ? 'space' : 'spaces';
}

/** "space" -> "a space"; plurals as they are. */
function withArticle(words: string): string {
  return words === 'space' || words === 'line break' ? `a ${words}` : words;
}

/** Strips what people copy along with a key (an assignment, quotes, `Bearer `, whitespace around), naming each. */
function unwrap(raw: string): { value: string; notes: string[] } {
  const notes: string[] = [];
  let value = raw;
  let around = '';
  const trim = () => {
    around += value.match(/^\s*/)![0] + value.match(/\s*$/)![0];
    value = value.trim();
  };
  trim();
  const assignment = /^(?:export\s+)?([A-Z][A-Z0-9_]*)\s*=\s*(?=\S)/.exec(value);
  if (assignment) {
    notes.push(`Removed "${assignment[1]}=" before the key.`);
    value = value.slice(assignment[0].length);
  }
  if (/^['"`]|['"`]$/.test(value)) {
    notes.push('Removed the quotes around the key.');
    value = value.replace(/^['"`]+|['"`]+$/g, '');
    trim();
  }
  const bearer = /^bearer\s+/i.exec(value);
  if (bearer) {
    notes.push('Removed "Bearer " before the key.');
    value = value.slice(bearer[0].length);
  }
  if (around) notes.unshift(`Removed the ${whitespaceWords(around)} around the key.`);
  return { value, notes };
}

/** The keys `value` is made of when it is two or more joined (the same one repeated, or different ones); null for one value. */
function joinedKeys(value: string, provider: Provider): string[] | null {
  const repeated = /^(.+?)\1+$/s.exec(value);
  // A motif shorter than any key is a placeholder's (`xxxx…`), not a key pasted twice.
  if (repeated && (repeated[1]!.length >= 20 || identifyKey(repeated[1]!, provider))) {
    return Array.from({ length: value.length / repeated[1]!.length }, () => repeated[1]!);
  }
  const found = new Set<number>();
  for (const prefix of PREFIXES) {
    for (let i = value.indexOf(prefix, 1); i > 0; i = value.indexOf(prefix, i + 1)) found.add(i);
  }
  const starts = [...found].sort((a, b) => a - b);
  // Split points are prefix positions only, and every piece must be a whole key, so a chance `sk-` inside a key never splits it.
  const from = (i: number): string[] | null => {
    for (const j of [...starts.filter((s) => s > i), value.length]) {
      const piece = value.slice(i, j);
      if (!identifyKey(piece, provider)) continue;
      if (j === value.length) return [piece];
      const rest = from(j);
      if (rest) return [piece, ...rest];
    }
    return null;
  };
  const pieces = starts.length ? from(0) : null;
  return pieces && pieces.length > 1 ? pieces : null;
}

/** The refusal for a value that is not a usable key, in words for a paste (not for a .env line). */
function refusal(value: string, provider: Provider, env: Env): PasteVerdict | { verdict: 'ok' } | { verdict: 'unknown-shape' } {
  const problem = inspectValue(value, provider, env);
  const keys = provider.dashboard.keys;
  if (!problem) return { verdict: 'ok' };
  if (problem.kind === 'empty') return { verdict: 'refused', notes: [], line: 'Nothing arrived: paste the key (the prompt shows nothing while you paste).' };
  if (problem.kind === 'wrong-provider') {
    const line = `That is ${aKeyOf(problem.other.name)}, not ${aKeyOf(provider.name)} (${redact(value, identifyKey(value)?.format.prefix ?? '')}, ${value.length} characters); nothing was sent.`;
    return { verdict: 'refused', notes: [], line: `${line} Paste ${provider.name}'s key.`, other: { provider: problem.other, value, line } };
  }
  if (problem.placeholder) return { verdict: 'refused', notes: [], line: `That is a placeholder, not a key; nothing was sent. Copy the key from ${keys}.` };
  if (problem.what.includes('masked copy')) {
    return { verdict: 'refused', notes: [], line: `That is a masked copy of a key (with •, … or ****); nothing was sent. A dashboard shows a key in full only when it is created: create one at ${keys}.` };
  }
  if (problem.what.includes('non-ASCII')) return { verdict: 'refused', notes: [], line: `The paste holds a character no key has (not ASCII); nothing was sent. Copy the key again from ${keys}.` };
  if (problem.what.startsWith('the value does not have the shape')) return { verdict: 'unknown-shape' };
  return { verdict: 'refused', notes: [], line: `${problem.what.replace(/^the value/, 'The paste')}; nothing was sent. Copy the key again from ${keys}.` };
}

/**
 * Reads a pasted (or piped) value as a key of `provider`: cleans what is unambiguous (whitespace
 * and quotes around it, an assignment or `Bearer ` before it, the same key pasted twice, a line
 * break inside one key) and refuses what is not (two different keys, another provider's key, a
 * placeholder, a masked copy), before anything is sent anywhere.
 */
export function analysePaste(raw: string, provider: Provider, env: Env): PasteVerdict {
  if (raw.trim() === '') return { verdict: 'refused', notes: [], line: 'Nothing arrived: paste the key (the prompt shows nothing while you paste).' };
  const { value: unwrapped, notes } = unwrap(raw);
  const inner = unwrapped.match(/\s+/g)?.join('') ?? '';
  let value = unwrapped.replace(/\s+/g, '');

  const pieces = joinedKeys(value, provider);
  if (pieces && pieces.every((p) => p === pieces[0])) {
    notes.push(`You pasted the key ${pieces.length === 2 ? 'twice' : `${pieces.length} times`}; keeping one copy.`);
    value = pieces[0]!;
  } else if (pieces) {
    const which = pieces.map((p) => aKeyOf(identifyKey(p, provider)!.provider.name)).join(', then ');
    return { verdict: 'refused', notes, line: `The paste holds ${pieces.length} different keys joined together (${which}); nothing was sent. Paste only ${provider.name}'s key.` };
  } else if (LONG_PREFIXES.some((p) => value.indexOf(p, 1) > 0)) {
    return { verdict: 'refused', notes, line: `The paste holds two keys, or parts of keys, joined together (a key prefix appears inside it); nothing was sent. Paste ${provider.name}'s key alone.` };
  } else if (inner) {
    if (identifyKey(value, provider)?.provider !== provider) {
      return { verdict: 'refused', notes, line: `The paste has ${withArticle(whitespaceWords(inner))} inside, and a key has none; nothing was sent. Copy the key again from ${provider.dashboard.keys}.` };
    }
    notes.push(`Removed the ${whitespaceWords(inner)} inside the key.`);
  }

  const refused = refusal(value, provider, env);
  if (refused.verdict === 'refused') return { ...refused, notes };
  if (refused.verdict === 'unknown-shape') return { verdict: 'unsure', value, notes, line: `That does not look like ${aKeyOf(provider.name)} (${shown(value, provider)}); ${provider.name} keys are created at ${provider.dashboard.keys}.` };
  const match = identifyKey(value, provider);
  if (!match) {
    // Accepted by inspectValue only behind a custom base URL, which may take any key.
    return { verdict: 'key', value, kind: null, notes, line: `Received a key of a shape keyward does not know (${shown(value, provider)}), for the server ${provider.api.baseUrlEnv} points at.` };
  }
  return { verdict: 'key', value, kind: match.format.kind, notes, line: `Received ${aKeyOf(match.provider.name, KIND_WORDS[match.format.kind])}: ${shown(value, provider)}.` };
}

/** How the hidden question is asked and answered; all of it is IO, given by the caller. */
export interface PasteIO {
  /** Asks the hidden question afresh: an empty prompt, nothing of an earlier answer kept. */
  ask(): Promise<string>;
  /** One line under the prompt. */
  tell(level: 'info' | 'ok' | 'warn' | 'error', line: string): void;
  /** A yes/no question, default no. */
  confirm(question: string): Promise<boolean>;
  /** Given where the provider may still change (setup): true when the person takes another provider's key as that provider's. */
  switchTo?(other: Provider): Promise<boolean>;
}

/** A key the person gave, cleaned, with its kind when keyward knows its format. */
export interface PastedKey {
  value: string;
  kind: KeyKind | null;
  /** The provider the person switched to, when the key was another provider's. */
  provider?: Provider;
}

/**
 * Asks until a usable key arrives: each answer is analysed, its cleaning named, and then either
 * accepted with one line saying what arrived, refused with one line saying why (and asked again,
 * from an empty prompt), or, for a shape keyward does not know, used only after a yes. Another
 * provider's key is, where `switchTo` is given, offered as that provider's key.
 */
export async function askForKey(provider: Provider, env: Env, io: PasteIO): Promise<PastedKey> {
  for (;;) {
    const result = analysePaste(await io.ask(), provider, env);
    for (const note of result.notes) io.tell('info', note);
    if (result.verdict === 'refused' && result.other && io.switchTo) {
      // Nothing is sent before the person chooses: the key as the other provider's, or another paste.
      const { provider: other, value, line } = result.other;
      io.tell('warn', line);
      if (!(await io.switchTo(other))) continue;
      const switched = analysePaste(value, other, env);
      if (switched.verdict !== 'key') {
        io.tell('error', switched.line);
        continue;
      }
      io.tell('ok', switched.line);
      return { value: switched.value, kind: switched.kind, provider: other };
    }
    if (result.verdict === 'refused') {
      io.tell('error', result.line);
      continue;
    }
    if (result.verdict === 'unsure') {
      io.tell('warn', result.line);
      if (await io.confirm('Use it anyway?')) return { value: result.value, kind: null };
      continue;
    }
    io.tell('ok', result.line);
    return { value: result.value, kind: result.kind };
  }
}

/**
 * The same analysis for a key piped in with `--key-stdin`, where nobody can be asked again: a
 * refused value is a usage error (exit 2), an unknown shape needs `--yes`.
 */
export function pipedKey(raw: string, provider: Provider, env: Env, tell: PasteIO['tell'], yes: boolean): PastedKey {
  if (raw.trim() === '') throw usageError('standard input held no key', 'Pipe the key in, like `pbpaste | keyward … --key-stdin`.');
  // The one line break that ends what `echo` or a file gives is not part of the paste.
  const result = analysePaste(raw.replace(/\r?\n$/, ''), provider, env);
  for (const note of result.notes) tell('info', note);
  if (result.verdict === 'refused') throw usageError(`the key on standard input is not usable: ${result.line}`);
  if (result.verdict === 'unsure') {
    tell('warn', result.line);
    if (!yes) throw needsAnswer('keyward does not recognise the key on standard input, and there is no terminal to ask whether to use it', 'Pass --yes to use it anyway.');
    return { value: result.value, kind: null };
  }
  tell('ok', result.line);
  return { value: result.value, kind: result.kind };
}
