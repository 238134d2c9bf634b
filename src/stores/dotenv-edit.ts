/** The line ending a text already uses (CRLF if any line has it), so an edit does not mix them. */
export function lineEnding(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Adds `line` at the end of `text`, after a line break if the text does not end with one. */
export function appendLine(text: string, line: string): string {
  const eol = lineEnding(text);
  const sep = text.length === 0 || text.endsWith('\n') ? '' : eol;
  return `${text}${sep}${line}${eol}`;
}

/** A value as dotenv reads it back unchanged: bare when it can be, else double-quoted. */
export function dotenvValue(value: string): string {
  return /^[A-Za-z0-9_\-./+=:@]*$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * One assignment as dotenv's own parser finds it (its LINE pattern, with blanks limited to the
 * line): `KEY=v`, `export KEY=v`, `KEY: v`, and quoted values that span lines. Group 1 is what
 * comes before the name (indent, `export `), group 2 the name.
 */
const ASSIGNMENT = /^([ \t]*(?:export[ \t]+)?)([\w.-]+)(?:[ \t]*=[ \t]*?|:[ \t]+?)(?:\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?[ \t]*(?:#[^\r\n]*)?(\r?)$/gm;

/**
 * Sets `variable` in the text of a .env file: every assignment dotenv would read (any of its
 * forms, a multi-line value whole) is rewritten in place as `variable=value`, so no older key
 * and no dangling line stays behind; or one line is added at the end. Every other byte is kept.
 */
export function setDotenvValue(text: string, variable: string, value: string): string {
  let found = false;
  const replaced = text.replace(ASSIGNMENT, (whole: string, lead: string, name: string, cr: string) => {
    if (name !== variable) return whole;
    found = true;
    return `${lead}${variable}=${dotenvValue(value)}${cr}`;
  });
  return found ? replaced : appendLine(text, `${variable}=${dotenvValue(value)}`);
}

/** True when the text assigns `variable` (with or without a value) in any form dotenv reads. */
export function assignsVariable(text: string, variable: string): boolean {
  for (const m of text.matchAll(ASSIGNMENT)) if (m[2] === variable) return true;
  return false;
}
