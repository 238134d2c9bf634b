/**
 * Escaping for text that someone else controls (file names, paths, variable names read from files,
 * server messages) at the two places it is shown: a terminal and a Markdown document.
 */

// C0 and C1 controls and DEL are interpreted by terminals (cursor moves, erase, window title);
// bidirectional overrides and zero-width marks reorder or hide what is shown around them.
// eslint-disable-next-line no-control-regex -- matching control characters is this regex's job
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/gu;

function visible(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** For a terminal: every control character and escape sequence shown as text (`\x1b`), never interpreted. */
export function terminalSafe(text: string): string {
  return text.replace(INVISIBLE, visible);
}

// The punctuation that starts Markdown markup inside a line: emphasis, links, images, code, HTML,
// table cells, strikethrough, entities. (Line-start markup cannot occur: foreign text never starts a line.)
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#!|~<>&]/g;

/** For Markdown text: shown literally (no HTML, links, emphasis or table cells), on one line. */
export function markdownText(text: string): string {
  return terminalSafe(text).replace(MARKDOWN_PUNCTUATION, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`));
}

/** A Markdown code span that holds `text` literally, whatever backticks it contains; safe in a table cell. */
export function markdownCode(text: string): string {
  const safe = terminalSafe(text).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...safe.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = safe.startsWith('`') || safe.endsWith('`') || /^ .* $/.test(safe) ? ' ' : '';
  return `${fence}${pad}${safe}${pad}${fence}`;
}

/**
 * Text written by keyward with `code` in backticks (a finding's fix) and foreign parts inside it:
 * each code span stays a code span and every other part is plain text, so nothing breaks out.
 */
export function markdownInline(text: string): string {
  const parts = text.split('`');
  // An odd number of backticks means a foreign one among them: no span can be trusted.
  if (parts.length % 2 === 0) return markdownText(text);
  return parts.map((part, i) => (i % 2 === 0 ? markdownText(part) : markdownCode(part))).join('');
}
