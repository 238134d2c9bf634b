import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { renderText } from '../../src/report/text.js';
import { runCli } from '../support/cli.js';
import { startPty } from '../support/pty.js';
import { makeProject } from '../support/repo.js';

/** A project whose report is taller than a 20-row window: two providers without a key. */
function tallProject() {
  const p = makeProject({ name: 'tall' });
  p.write('package.json', JSON.stringify({ name: 'tall', dependencies: { openai: '5.0.0', '@anthropic-ai/sdk': '0.50.0' } }));
  p.commit('init');
  return p;
}

/** What the terminal was sent, without colours and cursor codes, as lines. */
function printedLines(raw: string): string[] {
  return raw
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b\][^\x07]*\x07/g, '')
    .split(/\r?\n/)
    .map((l) => l.replace(/\r/g, ''));
}

const env = { OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined };

describe('the doctor in a real terminal', () => {
  it('prints a report taller than the window once, without clearing the screen', async () => {
    const p = tallProject();
    const s = startPty(['doctor', '--offline', '--no-history'], { cwd: p.dir, env, cols: 80, rows: 20 });
    expect((await s.exit).code).toBe(1);
    // A redraw starts with the cursor sent home, on the line where the first copy ended: count occurrences, not lines.
    const printed = printedLines(s.raw()).join('\n');
    expect(printed.split(`keyward doctor: ${p.dir}`)).toHaveLength(2);
    expect(printed.split('2 problems')).toHaveLength(2);
  });

  it.each([60, 80, 120])('wraps every line to %i columns at spaces: the same rows as the plain-text report at that width', async (cols) => {
    const p = tallProject();
    const s = startPty(['doctor', '--offline', '--no-history'], { cwd: p.dir, env, cols, rows: 50 });
    await s.exit;
    const lines = printedLines(s.raw());
    const start = lines.findIndex((l) => l.startsWith('keyward doctor:'));
    const json = JSON.parse((await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir, env })).stdout) as Report;
    const expected = renderText(json, 'keyward doctor', { columns: cols }).split('\n').slice(0, -1);
    expect(lines.slice(start, start + expected.length)).toEqual(expected);
    expect(expected.every((l) => l.length <= cols)).toBe(true);
    expect(expected.filter((l) => l.includes('https://platform.openai.com/api-keys'))).toHaveLength(1);
  });
});
