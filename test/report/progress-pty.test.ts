import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { makeBigHistory } from '../support/big-history.js';
import { fakeKey } from '../support/keys.js';
import { startPty } from '../support/pty.js';
import { tempDir, type TestProject } from '../support/repo.js';

/** Progress from the first event: the test waits for lines, never for time. */
const NOW = { KEYWARD_PROGRESS_DELAY_MS: '0' };
const PROGRESS = /(Listing files|Reading the working tree|Walking history|Reading history|Live calls|Checking apps)…/;

// The tests that watch or stop the history being read pass --no-cache: the tests share one
// repository, and a blob an earlier test read would come from the result cache, with no reading
// to show or stop.
let p: TestProject;
/** The blobs git is asked for: 151 in all, less HEAD's four, which the working tree's reading proves (blob-share.ts). */
const ASKED = 147;
beforeAll(() => {
  p = makeBigHistory({ commits: 150, blobBytes: 1_000_000, key: fakeKey('openai-project', 'progress') });
}, 300_000);

const REAL_GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/**
 * A PATH whose `git` never starts the history's reading (`cat-file --buffer`; every other call is
 * the real git): the tests that stop keyward while it reads find it reading whatever the machine's
 * speed. Without it, two suites side by side once let the reading end before the test looked.
 */
function readingHeld(): string {
  const bin = tempDir('keyward-git-');
  const script = ['#!/bin/sh', 'for a in "$@"; do', '  if [ "$a" = --buffer ]; then while :; do sleep 1; done; fi', 'done', `exec '${REAL_GIT}' "$@"`, ''].join('\n');
  execFileSync('sh', ['-c', `cat > '${bin}/git' && chmod +x '${bin}/git'`], { input: script });
  return `${bin}:${process.env.PATH ?? ''}`;
}

/** The report's timings are the only bytes two runs may differ in. */
function untimed(text: string): string {
  return text.replace(/"durationMs": \d+/g, '"durationMs": 0');
}

/** git processes working in `dir`, by their /proc entries. */
function gitProcessesIn(dir: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'git' && readlinkSync(`/proc/${pid}/cwd`) === dir) out.push(Number(pid));
    } catch {
      // Gone while looking, or not ours to read.
    }
  }
  return out;
}

/** Waits until no git works in `dir` (a killed process takes a moment to leave /proc); fails after 10 s with their ids. */
async function noGitLeftIn(dir: string): Promise<void> {
  const started = Date.now();
  while (gitProcessesIn(dir).length > 0) {
    if (Date.now() - started > 10_000) throw new Error(`git still running in ${dir}: ${gitProcessesIn(dir).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The keyward process of a PTY session, found by its working folder and script path. */
function keywardPid(dir: string): number | null {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) === dir && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(BIN)) return Number(pid);
    } catch {
      // Gone while looking.
    }
  }
  return null;
}

/** In a terminal with stdout sent to a pipe (`keyward … > pipe`): what reached the terminal, and what the pipe got. */
function ptyWithStdoutPiped(args: string[], cwd: string, env: Record<string, string>): Promise<{ terminal: string; stdout: string; code: number | null }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', `stty cols 100 rows 50; exec ${quoted} >&3`, '/dev/null'], {
    cwd,
    env: { ...process.env, TERM: 'xterm-256color', CI: undefined, NO_COLOR: undefined, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let terminal = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (terminal += d.toString('utf8')));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ terminal, stdout, code })));
}

describe('scan --history in a real terminal', () => {
  it('shows where the scan stands, the counts advancing, and leaves nothing of it on the final screen', async () => {
    const s = startPty(['scan', '--history', '--no-cache'], { cwd: p.dir, env: NOW });
    expect((await s.exit).code).toBe(1);
    const counts = new Set([...s.raw().matchAll(/Reading history… (\d+) \/ (\d+) blobs/g)].map((m) => `${m[1]}/${m[2]}`));
    expect(counts.size).toBeGreaterThanOrEqual(2);
    expect([...counts].every((c) => c.endsWith(`/${ASKED}`))).toBe(true);
    expect(s.raw()).toContain('Listing files…');
    const screen = s.screen();
    expect(screen).not.toMatch(PROGRESS);
    // The report starts at the beginning of a line, where the progress line was.
    expect(screen.split('\n')[0]).toBe(`keyward scan: ${p.dir}`);
    expect(screen).toContain('Scanned 151 blobs.');
  });

  it.each([
    ['CI=true', { CI: 'true' }],
    ['NO_COLOR', { NO_COLOR: '1' }],
    // Not a timing bet: the delay is ten minutes, far beyond the scan.
    ['the whole scan shorter than the delay', { KEYWARD_PROGRESS_DELAY_MS: '600000' }],
  ])('with %s, prints exactly what it prints with --quiet', async (_, env) => {
    const shown = startPty(['scan', '--history'], { cwd: p.dir, env: { ...NOW, ...env } });
    const quiet = startPty(['scan', '--history', '--quiet'], { cwd: p.dir, env: { ...NOW, ...env } });
    expect((await shown.exit).code).toBe(1);
    expect((await quiet.exit).code).toBe(1);
    expect(quiet.raw()).not.toMatch(PROGRESS);
    expect(shown.raw()).toBe(quiet.raw());
  });

  it('with --json into a pipe, puts nothing on the terminal and the same JSON in the pipe', async () => {
    const piped = await ptyWithStdoutPiped(['scan', '--history', '--json'], p.dir, NOW);
    const plain = await runCli(['scan', '--history', '--json', '--quiet'], { cwd: p.dir, env: NOW });
    expect(piped.code).toBe(1);
    expect(piped.terminal).toBe('');
    expect(untimed(piped.stdout)).toBe(untimed(plain.stdout));
  });

  it('piped, prints the same bytes as with progress turned off', async () => {
    for (const args of [['scan', '--history'], ['scan', '--history', '--json']]) {
      const run = await runCli(args, { cwd: p.dir, env: NOW });
      const off = await runCli([...args, '--quiet'], { cwd: p.dir, env: NOW });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expect(off.stderr).toBe('');
      expect(untimed(run.stdout)).toBe(untimed(off.stdout));
    }
  });

  it('Ctrl-C while the history is read: stops, clears the line, says what was not finished, exit 130, no git left', async () => {
    const s = startPty(['scan', '--history', '--no-cache'], { cwd: p.dir, env: { ...NOW, PATH: readingHeld() } });
    await s.waitFor(new RegExp(`Reading history… \\d+ / ${ASKED} blobs`));
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    const screen = s.screen();
    expect(screen).toMatch(new RegExp(`^keyward: Stopped: history scan not finished \\(\\d+ of ${ASKED} blobs read\\)\\. Nothing was changed\\.$`, 'm'));
    expect(screen).not.toMatch(PROGRESS);
    expect(screen).not.toContain('keyward scan:');
    await noGitLeftIn(p.dir);
  });

  it('SIGINT to keyward alone (not its process group) still ends its git processes', async () => {
    const s = startPty(['scan', '--history', '--no-cache'], { cwd: p.dir, env: { ...NOW, PATH: readingHeld() } });
    await s.waitFor(new RegExp(`Reading history… \\d+ / ${ASKED} blobs`));
    const pid = keywardPid(p.dir);
    expect(pid).not.toBeNull();
    expect(gitProcessesIn(p.dir).length).toBeGreaterThan(0);
    process.kill(pid!, 'SIGINT');
    expect((await s.exit).code).toBe(130);
    expect(s.screen()).toMatch(new RegExp(`^keyward: Stopped: history scan not finished \\(\\d+ of ${ASKED} blobs read\\)\\. Nothing was changed\\.$`, 'm'));
    await noGitLeftIn(p.dir);
  });
});

describe('the doctor in a real terminal', () => {
  it('names the step under way beside its spinner, and the report replaces it', async () => {
    const s = startPty(['doctor', '--offline', '--no-cache'], { cwd: p.dir, env: NOW });
    expect((await s.exit).code).toBe(1);
    const counts = new Set([...s.raw().matchAll(new RegExp(`Reading history… (\\d+) / ${ASKED} blobs`, 'g'))].map((m) => m[1]));
    expect(counts.size).toBeGreaterThanOrEqual(2);
    const screen = s.screen();
    expect(screen).not.toMatch(PROGRESS);
    expect(screen).not.toContain('Checking keys…');
    expect(screen).toContain('keys in git history (Scanned 151 blobs.)');
  });

  it('Ctrl-C while the history is read: the spinner goes, the stopped line stays, exit 130, no git left', async () => {
    const s = startPty(['doctor', '--offline', '--no-cache'], { cwd: p.dir, env: { ...NOW, PATH: readingHeld() } });
    await s.waitFor(new RegExp(`Reading history… \\d+ / ${ASKED} blobs`));
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    const screen = s.screen();
    expect(screen).toMatch(new RegExp(`^keyward: Stopped: history scan not finished \\(\\d+ of ${ASKED} blobs read\\)\\. Nothing was changed\\.$`, 'm'));
    expect(screen).not.toMatch(PROGRESS);
    expect(screen).not.toContain('Checking keys…');
    await noGitLeftIn(p.dir);
  });

  it('piped, with --json, prints the same bytes as with progress turned off', async () => {
    const run = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir, env: NOW });
    const off = await runCli(['doctor', '--offline', '--json', '--quiet'], { cwd: p.dir, env: NOW });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(untimed(run.stdout)).toBe(untimed(off.stdout));
  });
});
