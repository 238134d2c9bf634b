import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyResolutionCheck } from '../../src/checks/key-resolution.js';
import { gateMissingKeys } from '../../src/checks/missing-gate.js';
import { buildContext, runDoctor, type DoctorIO } from '../../src/checks/run-doctor.js';
import type { CheckContext } from '../../src/checks/types.js';
import { createGitRunner } from '../../src/git/git.js';
import { makeProject } from '../support/repo.js';

function io(root: string): DoctorIO {
  return {
    root,
    env: {},
    git: createGitRunner({ PATH: process.env.PATH }),
    keychain: async () => ({ ok: false, problem: { reason: 'no keychain in tests', fix: 'none' } }),
    platform: process.platform,
    now: () => new Date('2026-01-01T00:00:00Z'),
    version: '0.0.0-test',
    stateDir: join(root, '.state'),
  };
}

const OPTIONS = { providerIds: [], live: 'off' as const, history: false, failOn: 'high' as const, timeoutMs: 5000 };

/** The context of a real project with OpenAI and Anthropic as dependencies and no key, as the detection would hand it over. */
async function context(edit: (ctx: CheckContext) => void): Promise<CheckContext> {
  const p = makeProject({ git: false });
  p.write('package.json', JSON.stringify({ name: 'two-providers', dependencies: { openai: '6', '@anthropic-ai/sdk': '1' } }));
  const ctx = await buildContext(io(p.dir), OPTIONS);
  edit(ctx);
  return ctx;
}

// The detection marks a provider optional (from a template or the configuration) and names the
// variable the code reads; the check turns both into the verdict and the fix (issue 11).
describe('missing.key for what the project says', () => {
  it('an optional provider is a note; the others stay high', async () => {
    const ctx = await context((c) => {
      c.project.used.find((u) => u.provider.id === 'anthropic')!.optional = true;
    });
    const { findings, status } = await keyResolutionCheck.run(ctx);
    expect(findings.map((f) => [f.title, f.severity])).toEqual([
      ['No OpenAI key (OPENAI_API_KEY)', 'high'],
      ['No Anthropic key (ANTHROPIC_API_KEY)', 'info'],
    ]);
    expect(findings[1]!.detail).toContain('The project marks Anthropic optional, so this is a note.');
    expect(status).toBe('fail');
  });

  it('only optional providers missing: the check passes with its notes', async () => {
    const ctx = await context((c) => {
      for (const u of c.project.used) u.optional = true;
    });
    const { findings, status } = await keyResolutionCheck.run(ctx);
    expect(findings.map((f) => f.severity)).toEqual(['info', 'info']);
    expect(status).toBe('pass');
  });

  it('the title and the fix name the variable the project reads', async () => {
    const ctx = await context((c) => {
      c.project.used.find((u) => u.provider.id === 'openai')!.variables = ['MY_OPENAI_KEY', 'OPENAI_API_KEY'];
    });
    const [openai] = (await keyResolutionCheck.run(ctx)).findings;
    expect(openai!.title).toBe('No OpenAI key (MY_OPENAI_KEY or OPENAI_API_KEY)');
    expect(openai!.fix).toContain('and set MY_OPENAI_KEY in .env');
  });
});

describe('gateMissingKeys, the --ci view of missing keys', () => {
  it('turns missing keys into notes and passes the gate; --require-keys keeps them', async () => {
    const p = makeProject({ git: false });
    p.write('package.json', JSON.stringify({ name: 'gate', dependencies: { openai: '6' } }));
    const report = await runDoctor(io(p.dir), OPTIONS, [keyResolutionCheck]);
    expect(report.summary).toMatchObject({ high: 1, failed: true });
    const gated = gateMissingKeys(report, { requireKeys: false, failOn: 'high' });
    expect(gated.findings.map((f) => [f.rule, f.severity])).toEqual([['missing.key', 'info']]);
    expect(gated.summary).toMatchObject({ high: 0, info: 1, failed: false });
    expect(gated.checks).toEqual([expect.objectContaining({ id: 'keys.resolution', status: 'pass' })]);
    expect(gateMissingKeys(report, { requireKeys: true, failOn: 'high' })).toBe(report);
  });
});
