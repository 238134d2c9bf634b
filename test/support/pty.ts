import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import xterm from '@xterm/headless';
import { BIN } from './cli.js';

const { Terminal } = xterm;

export interface PtySession {
  /**
   * Types `keys` as a person would, once `prompt` has appeared in what the program wrote since the
   * last keystrokes: a prompt that is on screen has its key handler in place, while input that
   * arrives before it is dropped by the prompt library (it discards its first tick's input). This
   * is the only way to type, so no test can type ahead of the prompt that reads the input.
   */
  answer(prompt: string | RegExp, keys: string): Promise<void>;
  /** Ctrl-C, at any moment: interrupting needs no prompt to listen. */
  interrupt(): void;
  /** Resolves once the screen shows `pattern`; rejects with the screen after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The visible screen as plain text, trailing blanks trimmed. */
  screen(): string;
  /** Rows the terminal itself had to wrap because a line was wider than the window (the program should have broken it at a space). */
  overflowed(): string[];
  /** Everything the program wrote, escape codes included (the scrollback). */
  raw(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A' } as const;

/**
 * Runs the built bin in a real pseudo-terminal (util-linux `script`), with its output fed to a
 * headless xterm so tests read the screen a person would see.
 */
export function startPty(
  args: string[],
  opts: {
    cwd: string;
    env?: Record<string, string | undefined>;
    cols?: number;
    rows?: number;
    /** A shell command run in the same terminal after keyward ends (`stty -a`: the mode it left); keyward's exit code is kept. */
    then?: string;
  },
): PtySession {
  const cols = opts.cols ?? 100;
  const rows = opts.rows ?? 50;
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  // CI=false makes ci-info ignore a CI runner's own variables (GITHUB_ACTIONS, BUILD_NUMBER…): a PTY test is a person.
  const env = Object.fromEntries(
    Object.entries({ ...process.env, TERM: 'xterm-256color', CI: 'false', NO_COLOR: undefined, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...opts.env }).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;
  const child = spawn('script', ['-qfec', `stty cols ${cols} rows ${rows}; ${opts.then ? `${quoted}; code=$?; ${opts.then}; exit $code` : `exec ${quoted}`}`, '/dev/null'], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  // Where the output stood at the last keystrokes: an answer waits for its prompt after this mark.
  let mark = 0;
  const onData = (d: Buffer) => {
    const s = d.toString('utf8');
    raw += s;
    term.write(s);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // Once every byte is in, xterm is let parse the last of it: it parses asynchronously, and a
  // screen read right after the exit could miss the final line (seen under load: the error line
  // of a wizard that exits at once).
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => term.write('', () => resolve({ code, signal }))));

  const screen = () => {
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i += 1) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').replace(/\n+$/, '');
  };

  const type = (keys: string) => {
    mark = raw.length;
    child.stdin.write(keys);
  };
  const poll = async (matches: () => boolean, what: string, timeoutMs: number) => {
    const started = Date.now();
    // xterm parses asynchronously: give it a flush before each look.
    for (;;) {
      await new Promise<void>((r) => term.write('', r));
      if (matches()) return;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const test = (pattern: string | RegExp, text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));

  const overflowed = () => {
    const buf = term.buffer.active;
    const rows: string[] = [];
    for (let i = 1; i < buf.length; i += 1) if (buf.getLine(i)?.isWrapped) rows.push(`${buf.getLine(i - 1)?.translateToString(true)}⏎${buf.getLine(i)?.translateToString(true)}`);
    return rows;
  };

  return {
    screen,
    overflowed,
    raw: () => raw,
    exit,
    async answer(prompt, keys, timeoutMs = 60_000) {
      await poll(() => test(prompt, stripVTControlCharacters(raw.slice(mark))), `the prompt ${String(prompt)}`, timeoutMs);
      type(keys);
    },
    interrupt: () => type('\x03'),
    async waitFor(pattern, timeoutMs = 60_000) {
      await poll(() => test(pattern, screen()), String(pattern), timeoutMs);
    },
  };
}
