import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

/** A port on 127.0.0.1 that nothing listens on: a connection there is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('keyward doctor --ci, the deploy gate', () => {
  it('reports an unreachable provider but does not fail the gate on it, unless --fail-on-network', async () => {
    const p = makeProject({ name: 'gate-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'gate')}\n`, 0o600);
    p.commit('init', '.gitignore');
    const env = { OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1` };

    const gate = await runCli(['doctor', '--ci', '--json'], { cwd: p.dir, env });
    const report = JSON.parse(gate.stdout) as Report;
    expect(report.findings.find((f) => f.rule === 'permission.network')).toMatchObject({ severity: 'high' });
    expect(report.summary.failed).toBe(false);
    expect(gate.code).toBe(0);

    const strict = await runCli(['doctor', '--ci', '--fail-on-network'], { cwd: p.dir, env });
    expect(strict.code).toBe(1);
    expect(strict.stdout).not.toMatch(/\x1b\[/);
  });

  it('writes SARIF 2.1.0 and a Markdown report for a pull request beside the plain output', async () => {
    const p = makeProject({ name: 'files-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'files')}\n`, 0o600);
    p.commit('leak');
    const r = await runCli(['doctor', '--ci', '--offline', '--sarif', 'out/keyward.sarif', '--markdown', 'out/keyward.md'], { cwd: p.dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write out\/keyward\.sarif|cannot write out\/keyward\.md/);
    p.write('out/.keep', '');
    const ok = await runCli(['doctor', '--ci', '--offline', '--sarif', 'out/keyward.sarif', '--markdown', 'out/keyward.md'], { cwd: p.dir });
    expect(ok.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(p.dir, 'out/keyward.sarif'), 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain('exposure.env-tracked');
    expect(readFileSync(join(p.dir, 'out/keyward.md'), 'utf8')).toMatch(/\| ✖ \| critical \| \.env is committed to git/);
  });
});
