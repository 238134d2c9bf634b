import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { parseDotenv } from '../project/dotenv-syntax.js';
import { readRegularFile, type RegularFileRead } from '../project/read.js';

/** A `.env` file as keyward read it. */
export type DotenvRead =
  | {
      ok: true;
      /** Variable -> its value (dotenv's parse) and the 1-based line of its last assignment. */
      values: Map<string, { value: string; line: number | null }>;
      /** Lines that name a variable but have no `=` (dotenv skips them silently). */
      lines: { noEquals: Array<{ line: number; name: string }> };
      /** The file mode bits (permissions) of the file itself, after following a link. */
      mode: number;
      /** Set when the file is a link to somewhere outside the project root. */
      linksOutside: string | null;
    }
  | { ok: false; reason: string };

/** Larger than any real .env file: something else was given this name. */
const MAX_BYTES = 1024 * 1024;

/** Where each variable's last assignment sits (dotenv: the last one wins). */
export function assignmentLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]/.exec(l.replace(/^\uFEFF/, ''));
    if (m) lines.set(m[1]!, i + 1);
  });
  return lines;
}

/** Lines like `OPENAI_API_KEY sk-…` that a person meant as an assignment. */
export function linesWithoutEquals(text: string): Array<{ line: number; name: string }> {
  const out: Array<{ line: number; name: string }> = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const t = l.replace(/^\uFEFF/, '').trim();
    if (t === '' || t.startsWith('#') || /[=:]/.test(t.split(/\s/)[0] ?? '')) return;
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)(\s|$)/.exec(t);
    if (m && !t.includes('=')) out.push({ line: i + 1, name: m[1]! });
  });
  return out;
}

/** Parses the text of a .env file with dotenv's own parser. */
export function parseDotenvText(text: string): Map<string, { value: string; line: number | null }> {
  const lines = assignmentLines(text);
  const values = new Map<string, { value: string; line: number | null }>();
  for (const [k, v] of Object.entries(parseDotenv(text))) values.set(k, { value: v, line: lines.get(k) ?? null });
  return values;
}

/** Reads one .env file; a directory, a binary or huge file, or an unreadable one is a reason, never a throw. */
export async function readDotenvFile(root: string, rel: string): Promise<DotenvRead> {
  const path = join(root, rel);
  try {
    const link = await lstat(path);
    let linksOutside: string | null = null;
    if (link.isSymbolicLink()) {
      const target = await realpath(path).catch(() => null);
      if (target === null) return { ok: false, reason: `${rel} is a link to a file that does not exist` };
      const within = relative(await realpath(root), target);
      if (within.startsWith('..') || isAbsolute(within)) linksOutside = target;
    }
    const read = await readRegularFile(path, MAX_BYTES);
    if (!read.ok) return { ok: false, reason: unreadable(rel, read) };
    if (read.bytes.includes(0)) return { ok: false, reason: `${rel} holds binary data (NUL bytes), not KEY=value lines` };
    const text = read.bytes.toString('utf8');
    return { ok: true, values: parseDotenvText(text), lines: { noEquals: linesWithoutEquals(text) }, mode: read.mode & 0o777, linksOutside };
  } catch (error) {
    return { ok: false, reason: codeReason(rel, (error as NodeJS.ErrnoException).code) };
  }
}

function codeReason(rel: string, code: string | undefined): string {
  if (code === 'EACCES' || code === 'EPERM') return `${rel} cannot be read (permission denied)`;
  if (code === 'ELOOP') return `${rel} is a link loop`;
  return `${rel} cannot be read (${code ?? 'unknown error'})`;
}

/** Why a .env file was not read: a FIFO or device is refused unopened, never waited on. */
function unreadable(rel: string, read: Extract<RegularFileRead, { ok: false }>): string {
  switch (read.problem) {
    case 'folder':
      return `${rel} is a folder, not a file`;
    case 'not-a-file':
      return `${rel} is not a regular file`;
    case 'too-large':
      return `${rel} is ${read.size ?? 'over ' + MAX_BYTES} bytes, too large for a .env file`;
    default:
      return codeReason(rel, read.code);
  }
}
