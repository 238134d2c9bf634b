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
 * Sets `variable` in the text of a .env file: every line that assigns it is rewritten in place
 * (so no older key stays behind), or one line is added at the end. Every other byte is kept.
 */
export function setDotenvValue(text: string, variable: string, value: string): string {
  const assign = new RegExp(`^(\\s*(?:export\\s+)?)${variable.replace(/[.]/g, '\\.')}\\s*=.*?(\\r?)$`, 'gm');
  let found = false;
  const replaced = text.replace(assign, (_line, lead: string, cr: string) => {
    found = true;
    return `${lead}${variable}=${dotenvValue(value)}${cr}`;
  });
  return found ? replaced : appendLine(text, `${variable}=${dotenvValue(value)}`);
}

/** True when the text assigns `variable` (with or without a value). */
export function assignsVariable(text: string, variable: string): boolean {
  return new RegExp(`^\\s*(?:export\\s+)?${variable.replace(/[.]/g, '\\.')}\\s*=`, 'm').test(text);
}
