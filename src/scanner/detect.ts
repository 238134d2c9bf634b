import { fingerprint, redact } from '../core/fingerprint.js';
import { isPlaceholder, PROVIDERS, type KeyFormat, type KeyKind, type Provider } from '../providers/index.js';
import { publicUseOf } from '../providers/public-use.js';
import { createLiteralScanner, type LiteralScanner } from './literals.js';

/** A key seen in a text: where, whose, and how to name it. The key itself never leaves `detect`. */
export interface KeyHit {
  type: 'key';
  provider: string;
  kind: KeyKind;
  fingerprint: string;
  redacted: string;
  /** 1-based line and column (UTF-16 code units, as SARIF counts by default). */
  line: number;
  column: number;
  /** The variable the key is assigned to on its line (`NEXT_PUBLIC_OPENAI_KEY`), when one is seen. */
  variable: string | null;
  /** The line carries a `keyward:allow` comment. */
  allowed: boolean;
  /** In a Jupyter notebook: the cell, and whether the key is in its code or its saved output. */
  cell?: { cell: number; part: 'source' | 'output' };
  /** A Google API key that the words around it give to a service whose guides put it in client code (`Firebase`). */
  publicUse?: string;
}

/** `dangerouslyAllowBrowser: true`: an LLM client built to run in the browser. */
export interface ClientHit {
  type: 'browser-client';
  line: number;
  column: number;
  allowed: boolean;
}

export type Hit = KeyHit | ClientHit;

/** Characters keys are made of: a window edge is moved off them so no key is cut in two. */
const KEY_CHAR = /[A-Za-z0-9_-]/;
const RADIUS = 512;
/** How far a window edge may move to reach a token boundary; beyond that the run is no key. */
const MAX_TOKEN_STRETCH = 4096;
const ALLOW_MARK = 'keyward:allow';
const CLIENT_LITERAL = 'dangerouslyallowbrowser';
const CLIENT_RE = /^dangerouslyAllowBrowser["']?\s*:\s*(?:true|!0)\b/;
const PROPERTY_POSITION = /(?:^|\n|[{,])[ \t]*$/;
/** A keyword rule reads this far past its word (the name, the assignment, the value). */
const KEYWORD_REACH = 256;
const KEYISH = ['key', 'token', 'secret'];

interface FormatRule {
  provider: Provider;
  format: KeyFormat;
  re: RegExp;
  /** The key is capture group 1 (keyword-anchored rules) rather than the whole match. */
  grouped: boolean;
}

/** A compiled detector: the prefilter and the rules each prefilter literal turns on. Not shared between threads. */
export interface Detector {
  /** Finds the literals (lower case, ASCII case ignored) in raw bytes. */
  prefilter: LiteralScanner;
  rulesByLiteral: Map<string, FormatRule[]>;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `[mM][iI]…`: case-insensitive words inside an otherwise case-sensitive key regex. */
function caseless(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRe(c))).join('');
}

function formatRule(provider: Provider, format: KeyFormat): FormatRule {
  return { provider, format, grouped: false, re: new RegExp(`(?<![A-Za-z0-9_-])(?:${format.body})(?![A-Za-z0-9_-])`, 'g') };
}

/**
 * A prefix-less key counts only as the value of a variable whose name holds both the provider's
 * word and key/token/secret (`MISTRAL_API_KEY=…`, `"cohereToken": "…"`, `ENV AZURE_OPENAI_API_KEY …`),
 * or as the quoted `apiKey` of a call that names the provider on the same line (`new Mistral({ apiKey: '…' })`).
 */
function keywordRule(provider: Provider, format: KeyFormat): FormatRule {
  const word = provider.contextWords.map(caseless).join('|');
  const keyish = KEYISH.map(caseless).join('|');
  // A word that is itself a variable name (`co_api_key`) needs no key/token/secret beside it.
  const whole = provider.contextWords.filter((w) => KEYISH.some((k) => w.includes(k))).map(caseless);
  const ident = '[A-Za-z0-9_.$-]*?';
  const name = [`(?:${word})${ident}(?:${keyish})`, `(?:${keyish})${ident}(?:${word})`, ...whole].join('|');
  const named = `(?:${name})[A-Za-z0-9_.$-]*["'\`]?\\]?[ \\t]*(?::=|=>|=|:|[ \\t])[ \\t]*["'\`]?`;
  const call = `(?:${word})[^\\n]{0,80}?${caseless('api')}_?${caseless('key')}["']?[ \\t]*[:=][ \\t]*["'\`]`;
  return {
    provider,
    format,
    grouped: true,
    re: new RegExp(`(?:${named}|${call})(${format.body})(?![A-Za-z0-9_-])`, 'dg'),
  };
}

/** Builds the detector for a provider registry (keyward's own by default). */
export function createDetector(providers: readonly Provider[] = PROVIDERS): Detector {
  const rulesByLiteral = new Map<string, FormatRule[]>();
  const add = (literal: string, rule: FormatRule): void => {
    const key = literal.toLowerCase();
    const list = rulesByLiteral.get(key) ?? [];
    list.push(rule);
    rulesByLiteral.set(key, list);
  };
  for (const provider of providers) {
    for (const format of provider.formats) {
      if (format.literals.length > 0) {
        const rule = formatRule(provider, format);
        for (const literal of format.literals) add(literal, rule);
      } else {
        const rule = keywordRule(provider, format);
        for (const word of provider.contextWords) add(word, rule);
      }
    }
  }
  rulesByLiteral.set(CLIENT_LITERAL, []);
  return { prefilter: createLiteralScanner([...rulesByLiteral.keys()]), rulesByLiteral };
}

/** Bytes keys are made of (`[A-Za-z0-9_-]`): a window edge is moved off them so no key is cut in two. */
const KEY_BYTE = Uint8Array.from({ length: 256 }, (_, b) => (KEY_CHAR.test(String.fromCharCode(b)) ? 1 : 0));

/** Moves `i` left (dir -1) or right (dir 1) off a run of key bytes, at most MAX_TOKEN_STRETCH far. */
function toBoundary(bytes: Uint8Array, i: number, dir: 1 | -1): number {
  const limit = dir === 1 ? Math.min(bytes.length, i + MAX_TOKEN_STRETCH) : Math.max(0, i - MAX_TOKEN_STRETCH);
  let j = i;
  if (dir === 1) while (j < limit && KEY_BYTE[bytes[j]!] === 1) j += 1;
  else while (j > limit && KEY_BYTE[bytes[j - 1]!] === 1) j -= 1;
  return j;
}

/** Where lines start, computed once per text and only when something was found. */
class LineIndex {
  readonly #text: string;
  readonly #starts: number[] = [0];
  #scanned = 0;

  constructor(text: string) {
    this.#text = text;
  }

  /** 1-based line, its start offset and 1-based column of offset `i`. */
  locate(i: number): { line: number; lineStart: number; column: number } {
    while (this.#scanned < i) {
      const nl = this.#text.indexOf('\n', this.#scanned);
      if (nl === -1 || nl >= i) {
        this.#scanned = i;
        break;
      }
      this.#starts.push(nl + 1);
      this.#scanned = nl + 1;
    }
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = this.#starts[lo]!;
    const before = this.#text.slice(lineStart, i);
    // The text is bytes read as latin1; a column counts characters, so UTF-8 sequences are decoded first.
    const column = /[^\t\n\r\x20-\x7e]/.test(before) ? Buffer.from(before, 'latin1').toString('utf8').length + 1 : i - lineStart + 1;
    return { line: lo + 1, lineStart, column };
  }
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

const VARIABLE_BEFORE = /([A-Za-z_][A-Za-z0-9_]*)["'`]?\]?\s*(?::=|=>|=|:|\s)\s*["'`]?$/;

/** The variable a value at `start` is assigned to, read from the text just before it on its line. */
function variableBefore(text: string, lineStart: number, start: number): string | null {
  const m = VARIABLE_BEFORE.exec(text.slice(Math.max(lineStart, start - 200), start));
  return m?.[1] ?? null;
}

/**
 * Finds keys and browser clients in `text` (a file's bytes read as latin1, so offsets are byte
 * offsets and no byte sequence can fail to decode). Prefer `detectBytes` when the bytes are at hand.
 */
export function detect(detector: Detector, text: string): Hit[] {
  return detectBytes(detector, Buffer.from(text, 'latin1'), text);
}

/**
 * Finds keys and browser clients in a file's or blob's bytes. One prefilter pass over the raw
 * bytes picks the rules; bytes without a literal are never decoded. Each rule runs only on a
 * window around a hit, widened to token boundaries so no key is cut. `text`, when given, is
 * `bytes` read as latin1 (offsets are byte offsets).
 */
export function detectBytes(detector: Detector, bytes: Uint8Array, text?: string): Hit[] {
  const literalHits = detector.prefilter.scan(bytes);
  if (literalHits.length === 0) return [];
  // Only the windows around literals are decoded; the whole text only once a key or client is seen (rare).
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slice = (from: number, to: number): string => (text !== undefined ? text.slice(from, to) : buf.toString('latin1', Math.max(0, from), Math.min(buf.length, to)));
  const found = new Map<number, Hit>();
  const pending: Array<{ start: number; value: string; rule: FormatRule; window: string }> = [];
  const clientStarts: number[] = [];
  const doneUntil = new Map<string, number>();
  for (const { index: p, literal } of literalHits) {
    if (literal === CLIENT_LITERAL) {
      // A property of an object literal, not a mention in a comment or a sentence.
      if (CLIENT_RE.test(slice(p, p + 128)) && PROPERTY_POSITION.test(slice(Math.max(0, p - 200), p))) clientStarts.push(p);
      continue;
    }
    // A later hit of the same literal inside a window already searched needs no second search.
    if (p + KEYWORD_REACH <= (doneUntil.get(literal) ?? 0)) continue;
    const from = toBoundary(bytes, Math.max(0, p - RADIUS), -1);
    const to = toBoundary(bytes, Math.min(bytes.length, p + RADIUS), 1);
    doneUntil.set(literal, to);
    const window = slice(from, to);
    for (const rule of detector.rulesByLiteral.get(literal) ?? []) {
      rule.re.lastIndex = 0;
      for (let r = rule.re.exec(window); r !== null; r = rule.re.exec(window)) {
        const value = rule.grouped ? r[1]! : r[0];
        const start = from + (rule.grouped ? r.indices![1]![0] : r.index);
        pending.push({ start, value, rule, window });
        if (r[0].length === 0) rule.re.lastIndex += 1;
      }
    }
  }
  if (pending.length === 0 && clientStarts.length === 0) return [];
  const whole = text ?? buf.toString('latin1');
  const lines = new LineIndex(whole);
  // Earlier start first; at one start, the longer match (an admin key over its embedded marker rule).
  pending.sort((a, b) => a.start - b.start || b.value.length - a.value.length);
  let coveredTo = -1;
  for (const { start, value, rule, window } of pending) {
    if (start < coveredTo) continue;
    if (isPlaceholder(value, rule.format.prefix)) continue;
    coveredTo = start + value.length;
    const { line, lineStart, column } = lines.locate(start);
    const end = lineEnd(whole, start);
    const variable = variableBefore(whole, lineStart, start);
    const publicUse = publicUseOf(rule.provider.id, variable, window);
    found.set(start, {
      type: 'key',
      provider: rule.provider.id,
      kind: rule.format.kind,
      fingerprint: fingerprint(value),
      redacted: redact(value, rule.format.prefix),
      line,
      column,
      variable,
      allowed: whole.slice(lineStart, end).includes(ALLOW_MARK),
      ...(publicUse ? { publicUse } : {}),
    });
  }
  for (const start of clientStarts) {
    const { line, lineStart, column } = lines.locate(start);
    found.set(start, { type: 'browser-client', line, column, allowed: whole.slice(lineStart, lineEnd(whole, start)).includes(ALLOW_MARK) });
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, h]) => h);
}
