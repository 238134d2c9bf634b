import type { KeychainSurvey, LoadAdvice, SetupChange, Survey } from '../setup/types.js';
import { terminalSafe } from './escape.js';
import { formatKey } from './present.js';
import { linesText } from './terminal-lines.js';

/** Step 1 as plain lines: the folder, git, providers in use, keys in the environment and .env files; wrapped at spaces to `columns` in a terminal. */
export function surveyText(s: Survey, columns?: number): string {
  const lines = [
    `keyward setup: ${s.root} (project "${s.project}"${s.git === 'repo' ? ', git repository' : s.git === 'none' ? ', not a git repository' : ', git cannot read the repository'})`,
    s.used.length ? `  Uses: ${s.used.map((u) => `${u.provider} (${u.reasons.join(', ')})`).join('; ')}` : '  Uses: no LLM provider found yet',
    ...(s.keys.length ? s.keys.map((k) => `  Key: ${formatKey(k)}`) : ['  Keys: none in the environment or .env files']),
  ];
  return `${linesText(lines.map((l, i) => ({ indent: 0, hang: i ? 4 : 2, spans: [{ text: terminalSafe(l) }] })), columns)}\n`;
}

/** The line that says whether the OS keychain can be used (with the fix when it cannot), for the plain and the Ink views. */
export function keychainStatusLine(k: KeychainSurvey): string {
  if (!k.status.usable) return `▲ OS keychain: unavailable (${k.status.problem.reason}). ${k.status.problem.fix}`;
  return k.keys.length ? 'OS keychain: available' : 'OS keychain: available, no key for this project';
}

/** Step 1's end, shown before the store question: the keychain, and each provider's key where it holds one. */
export function keychainText(k: KeychainSurvey, columns?: number): string {
  const lines = [keychainStatusLine(k), ...k.keys.map((key) => `  Key: ${formatKey(key)}`)];
  return linesText(lines.map((l, i) => ({ indent: 0, hang: i ? 4 : 2, spans: [{ text: terminalSafe(l) }] })), columns);
}

const NOTE_MARK = { info: '●', ok: '✓', warn: '▲', error: '✖' } as const;

/** One message about the key or a choice; continuation rows under its text when wrapped to `columns`. */
export function noteText(level: keyof typeof NOTE_MARK, text: string, columns?: number): string {
  return linesText([{ indent: 0, hang: 2, spans: [{ text: `${NOTE_MARK[level]} ${terminalSafe(text)}` }] }], columns);
}

/** Steps 4 to 6: what changed, and the lines that make the app read the key. */
export function doneText(changes: SetupChange[], advice: LoadAdvice): string {
  const out = ['', 'Done:'];
  for (const c of changes) {
    out.push(`  ✓ ${c.what}`);
    if (c.warning) out.push(`    ▲ ${c.warning}`);
  }
  out.push('', `How your app gets ${advice.variable}:`);
  for (const l of advice.lines) out.push(`  ${l.label}:`, `    ${l.code}`);
  return `${out.map(terminalSafe).join('\n')}\n`;
}
