import { spawn } from 'node:child_process';
import xterm from '@xterm/headless';
import { BIN } from './cli.js';

const { Terminal } = xterm;

export interface PtySession {
  /** Types text as a person would (keystrokes and escape sequences). */
  write(data: string): void;
  /** Resolves once the screen shows `pattern`; rejects with the screen after `timeoutMs`. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The visible screen as plain text, trailing blanks trimmed. */
  screen(): string;
  /** Everything the program wrote, escape codes included (the scrollback). */
  raw(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03' } as const;

/**
 * Runs the built bin in a real pseudo-terminal (util-linux `script`), with its output fed to a
 * headless xterm so tests read the screen a person would see.
 */
export function startPty(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; cols?: number; rows?: number }): PtySession {
  const cols = opts.cols ?? 100;
  const rows = opts.rows ?? 50;
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 1000 });
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const env = Object.fromEntries(
    Object.entries({ ...process.env, TERM: 'xterm-256color', CI: undefined, NO_COLOR: undefined, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...opts.env }).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;
  const child = spawn('script', ['-qfec', `stty cols ${cols} rows ${rows}; exec ${quoted}`, '/dev/null'], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  const onData = (d: Buffer) => {
    const s = d.toString('utf8');
    raw += s;
    term.write(s);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));

  const screen = () => {
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i += 1) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').replace(/\n+$/, '');
  };

  return {
    write: (data) => child.stdin.write(data),
    screen,
    raw: () => raw,
    exit,
    async waitFor(pattern, timeoutMs = 15_000) {
      const started = Date.now();
      const matches = () => (typeof pattern === 'string' ? screen().includes(pattern) : pattern.test(screen()));
      // xterm parses asynchronously: give it a flush before each look.
      for (;;) {
        await new Promise<void>((r) => term.write('', r));
        if (matches()) return;
        if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
