import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';

/** setup as a script runs it: every answer from a flag, the key on stdin, no test calls, no keychain. */
export const SETUP = ['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes', '--skip-test'];
export const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined };

/** Far above any run on a loaded machine; a run that reaches it was hanging. */
export const BUDGET_MS = 45_000;

/** Runs the built bin with the hang budget and checks it ended by itself, not by the budget's kill. */
export async function runWithin(args: string[], cwd: string, input?: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = await runCli(args, { cwd, env: { ...NO_KEYCHAIN, ...env }, timeoutMs: BUDGET_MS, ...(input === undefined ? {} : { input }) });
  expect(r.signal, `keyward ${args.join(' ')} did not exit by itself`).toBeNull();
  return r;
}

/** Every entry under `dir` (outside .git): its type, mode and bytes, or a link's target. */
export function tree(dir: string, skipGit = true): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (skipGit && name === '.git') continue;
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(p);
      } else if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(p)}`;
      else if (st.isFile()) out[rel] = `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(p).toString('utf8')}`;
      else out[rel] = st.isFIFO() ? 'fifo' : 'special';
    }
  };
  walk(dir);
  return out;
}

/** Regular files under `dirs` (.git included) that hold any 24-character slice of the key, apart from `allowed`. */
export function filesHolding(key: string, dirs: string[], allowed: string[] = []): string[] {
  const slices = [key.slice(0, 24), key.slice(Math.floor(key.length / 2) - 12, Math.floor(key.length / 2) + 12), key.slice(-24)];
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && !allowed.includes(p)) {
        const text = readFileSync(p, 'latin1');
        if (slices.some((s) => text.includes(s))) found.push(p);
      }
    }
  };
  for (const d of dirs) walk(d);
  return found;
}

/** No key text in what keyward printed. */
export function expectNoKeyIn(r: CliResult, key: string): void {
  for (const s of [key, key.slice(8, 32), key.slice(-24)]) expect(r.stdout + r.stderr).not.toContain(s);
}
