import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../support/fake-provider.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { runCli, type CliResult } from '../support/cli.js';
import { makeProject } from '../support/repo.js';
import { parse } from './scenarios.js';

const fake = useFakeProvider();

/** Neither any six characters from the key's middle nor their URL-encoded form appear anywhere. */
function expectNoMiddle(r: CliResult, key: string): void {
  const middle = key.slice('sk-proj-'.length, -4);
  const encoded = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
  for (const out of [r.stdout, r.stderr]) {
    for (let i = 0; i + 6 <= middle.length; i += 1) {
      const slice = middle.slice(i, i + 6);
      expect(out).not.toContain(slice);
      expect(out).not.toContain(encoded(slice));
    }
  }
}

// A lying or careless server echoes the key it was sent: its head and tail, a middle slice (in the
// message and in the request id), URL-encoded, or split by a space. keyward shows only the redacted form.
const echoes: Array<{ scenario: Scenario; says: string }> = [
  { scenario: 'echo-head', says: 'Incorrect API key provided: sk-proj-…' },
  { scenario: 'echo-middle', says: 'Token segment … is not valid.' },
  { scenario: 'echo-urlencoded', says: 'Incorrect API key provided: sk-proj-…' },
  { scenario: 'echo-split', says: 'Incorrect API key provided: sk-proj-…' },
];

describe('keyward test: a server that echoes part of the key', () => {
  it.each(echoes)('$scenario, --json', async ({ scenario, says }) => {
    const key = fake.key(scenario);
    const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: makeProject({ git: false }).dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL } });
    expectNoMiddle(r, key);
    const report = parse(r);
    expect(report.findings[0]!.rule).toBe('permission.invalid-key');
    expect(report.findings[0]!.detail).toContain(says.replace('sk-proj-…', `sk-proj-…${key.slice(-4)}`));
    expect(r.code).toBe(1);
  });

  it.each(echoes)('$scenario, text', async ({ scenario }) => {
    const key = fake.key(scenario);
    const r = await runCli(['test', '--provider', 'openai'], { cwd: makeProject({ git: false }).dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL } });
    expectNoMiddle(r, key);
    expect(r.stdout).toContain('permission.invalid-key');
    expect(r.code).toBe(1);
  });

  it.each(echoes)('$scenario, doctor --json with --sarif and --markdown', async ({ scenario }) => {
    const key = fake.key(scenario);
    const p = makeProject({ git: false });
    const r = await runCli(['doctor', '--json', '--provider', 'openai', '--sarif', 'out.sarif', '--markdown', 'out.md'], { cwd: p.dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL } });
    const files = { stdout: readFileSync(join(p.dir, 'out.sarif'), 'utf8'), stderr: readFileSync(join(p.dir, 'out.md'), 'utf8') };
    expectNoMiddle(r, key);
    expectNoMiddle({ ...r, ...files }, key);
    expect(parse(r).findings.map((f) => f.rule)).toContain('permission.invalid-key');
    expect(files.stdout).toContain('permission.invalid-key');
  });

  it('the request id the server chose is cut too', async () => {
    const key = fake.key('echo-middle');
    const r = await runCli(['test', '--provider', 'openai', '--json'], { cwd: makeProject({ git: false }).dir, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: fake.baseURL } });
    expectNoMiddle(r, key);
    expect(parse(r).calls![0]!.requestId).toBe('…');
  });
});
