import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/live/durations.js';
import { runCli, type CliResult } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

/** No key text, whole or in part beyond its last four characters, in anything keyward printed. */
function expectNoKey(r: CliResult, key: string): void {
  const shown = r.stdout + r.stderr;
  expect(shown).not.toContain(key);
  expect(shown).not.toContain(key.slice(8, 30));
}

interface JsonFinding {
  rule: string;
  severity: string;
  title: string;
  fix: string;
}

function findingsOf(r: CliResult): JsonFinding[] {
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

describe('a line break inside a key', () => {
  it('is named a line break by the doctor, not non-ASCII', async () => {
    const key = fakeKey('openai-project', 'leftover-newline');
    const p = makeProject({ name: 'newline-app' });
    p.write('.gitignore', '/.env\n');
    p.write('index.js', "import OpenAI from 'openai';\nnew OpenAI();\n");
    // A double-quoted dotenv value may span lines: the app receives the key with a newline in its middle.
    p.write('.env', `OPENAI_API_KEY="${key.slice(0, 20)}\n${key.slice(20)}"\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    const malformed = findingsOf(r).filter((f) => f.rule === 'missing.malformed');
    expect(malformed.map((f) => [f.severity, f.title, f.fix])).toEqual([
      ['high', 'OPENAI_API_KEY in .env line 1 is not a usable key: the value has a line break inside the key', 'Put the whole key on one line, with no line break or \\n in it.'],
    ]);
    expect(r.stdout).not.toContain('non-ASCII');
    expectNoKey(r, key);
  });

  it('is named a line break around the key for a quoted value that ends in \\n', async () => {
    const key = fakeKey('openai-project', 'leftover-trailing-newline');
    const p = makeProject({ name: 'trailing-newline-app' });
    p.write('.gitignore', '/.env\n');
    p.write('index.js', "import OpenAI from 'openai';\nnew OpenAI();\n");
    p.write('.env', `OPENAI_API_KEY="${key}\\n"\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(findingsOf(r).filter((f) => f.rule === 'missing.malformed').map((f) => f.title)).toEqual([
      'OPENAI_API_KEY in .env line 1 is not a usable key: the value has a line break around the key',
    ]);
    expectNoKey(r, key);
  });
});

describe('durations', () => {
  it('carry whole seconds into minutes and long waits into days', () => {
    expect([59_960, 119_600, 3_599_700, 7_500_000, 1e12].map(formatDuration)).toEqual(['1m 0s', '2m 0s', '1h 0m', '2h 5m', '11574d 1h']);
  });
});

describe('test --timeout', () => {
  it('refuses more than 600 seconds with exit 2 and one line that names the flag and not the value', async () => {
    const p = makeProject({ name: 'timeout-app' });
    const r = await runCli(['test', '--timeout', '1e9'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('keyward: --timeout: more than 600 seconds Fix: Pass at most 600, e.g. --timeout 30.\n');
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('1e9');
  });
});

describe('a base URL that is not a URL', () => {
  it('is a high permission.base-url finding (exit 1) that says so and how to fix it, with no call made', async () => {
    const key = fakeKey('openai-project', 'leftover-base-url');
    const p = makeProject({ name: 'base-url-app' });
    const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: p.dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: 'not a url' } });
    expect(r.code).toBe(1);
    expect(findingsOf(r).map((f) => [f.rule, f.severity, f.title, f.fix])).toEqual([
      [
        'permission.base-url',
        'high',
        'The base URL is not a URL',
        "Set OPENAI_BASE_URL or --base-url to a full URL such as https://api.openai.com/v1 (your gateway's, including its path), or unset it to use OpenAI's own.",
      ],
    ]);
    expectNoKey(r, key);
  });

  it('prints the finding as one high line in the text report', async () => {
    const key = fakeKey('openai-project', 'leftover-base-url-text');
    const p = makeProject({ name: 'base-url-text-app' });
    const r = await runCli(['test', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: 'not a url' } });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toContain('  ✖ high: The base URL is not a URL [permission.base-url]');
    expectNoKey(r, key);
  });
});

describe('run with a folder as the command', () => {
  it('says it is a folder, exit 126 as shells do, in one line', async () => {
    const p = makeProject({ name: 'run-folder-app' });
    const r = await runCli(['run', '--', '/tmp'], { cwd: p.dir });
    expect(r.code).toBe(126);
    expect(r.stderr).toBe('keyward: /tmp: is a folder, not a command.\n');
    expect(r.stdout).toBe('');
  });
});

describe('a FIFO named .gitignore', () => {
  const BOUND_MS = 30_000;

  function fifoProject(name: string) {
    const p = makeProject({ name });
    p.write('index.js', "import OpenAI from 'openai';\nnew OpenAI();\n");
    execFileSync('mkfifo', [join(p.dir, '.gitignore')]);
    return p;
  }

  it('does not hang scan: the tree is listed without git and the FIFO is a scan-incomplete finding (exit 1)', async () => {
    const p = fifoProject('fifo-scan-app');
    const r = await runCli(['scan', '--json'], { cwd: p.dir, timeoutMs: BOUND_MS });
    expect(r.signal).toBe(null);
    expect(r.code).toBe(1);
    expect(findingsOf(r).map((f) => [f.rule, f.severity, f.title, f.fix])).toEqual([
      [
        'exposure.scan-incomplete',
        'high',
        'Working tree listed without git: an ignore file is not a regular file',
        'Replace .gitignore with a regular file (`rm` it and write the ignore rules again), then scan again.',
      ],
    ]);
  });

  it('does not hang doctor with a .env to check (exit 1)', async () => {
    const key = fakeKey('openai-project', 'leftover-fifo-doctor');
    const p = fifoProject('fifo-doctor-app');
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir, timeoutMs: BOUND_MS });
    expect(r.signal).toBe(null);
    expect(r.code).toBe(1);
    expect(findingsOf(r).filter((f) => f.rule === 'exposure.scan-incomplete').map((f) => f.title)).toEqual([
      'Working tree listed without git: an ignore file is not a regular file',
    ]);
    expectNoKey(r, key);
  });

  it('does not hang setup: exit 3 with the reason in one line, nothing written', async () => {
    const key = fakeKey('openai-project', 'leftover-fifo-setup');
    const p = fifoProject('fifo-setup-app');
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes', '--skip-test'], { cwd: p.dir, input: `${key}\n`, timeoutMs: BOUND_MS });
    expect(r.signal).toBe(null);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('keyward: .gitignore is a FIFO, not a regular file: git would wait on it forever Fix: Replace .gitignore with a regular file holding the ignore rules.\n');
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
    expect(lstatSync(join(p.dir, '.gitignore')).isFIFO()).toBe(true);
    expectNoKey(r, key);
  });
});
