import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { canaryKey, fakeKey } from './support/keys.js';
import { makeProject } from './support/repo.js';

// The canary sits in every source keyward reads (environment, a committed .env, an untracked
// .env.local, a malformed line) and must come out of no command, error path or file it writes.
describe('the canary key never leaves its store', () => {
  const canary = canaryKey();
  const tail = canary.slice(-20, -4);

  function project() {
    const p = makeProject({ name: 'canary-app' });
    p.write('package.json', JSON.stringify({ name: 'canary-app', dependencies: { openai: '1', '@anthropic-ai/sdk': '1' } }));
    p.write('.env', `OPENAI_API_KEY=${canary}\nANTHROPIC_API_KEY="'${canary}'"\n`, 0o644);
    p.commit('leak');
    p.write('.env.local', `OPENAI_API_KEY=Bearer ${canary}\nGROQ_API_KEY ${canary}\n`, 0o666);
    return p;
  }

  const invocations: Array<[string, string[], Record<string, string>]> = [
    ['doctor (text)', ['doctor', '--offline'], {}],
    ['doctor --json', ['doctor', '--offline', '--json'], {}],
    ['doctor --debug --json', ['doctor', '--offline', '--json', '--debug'], {}],
    ['doctor with the canary in the environment too', ['doctor', '--offline'], { OPENAI_API_KEY: `${canary} ` }],
    ['doctor with another key shadowing it', ['doctor', '--offline', '--json'], { OPENAI_API_KEY: fakeKey('openai-project', 'other') }],
    ['bare keyward', ['--offline'], {}],
    ['a key pasted as a provider id', ['doctor', '--provider', canary], {}],
    ['a key pasted as a provider id, --debug', ['doctor', '--debug', '--provider', canary], {}],
    ['a key pasted as an unknown flag value', ['doctor', '--fail-on', canary], {}],
    ['a key pasted as a command', [canary], {}],
    ['--help', ['doctor', '--help'], {}],
  ];

  it.each(invocations)('%s', async (_label, args, env) => {
    const p = project();
    const r = await runCli(args, { cwd: p.dir, env });
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(canary);
    expect(out).not.toContain(tail);
    expect(r.code).not.toBe(3);
  });

  it('writes no key into a Markdown report', async () => {
    const p = project();
    const r = await runCli(['doctor', '--offline', '--markdown', 'report.md'], { cwd: p.dir });
    const md = readFileSync(join(p.dir, 'report.md'), 'utf8');
    expect(md).toMatch(/^## keyward doctor: ✖/);
    expect(md).toContain('exposure.env-tracked');
    expect(md + r.stdout + r.stderr).not.toContain(tail);
  });
});
