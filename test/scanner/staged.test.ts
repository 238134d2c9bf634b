import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { scanStaged } from '../../src/scanner/index.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';
import { optionsFor } from './helpers.js';

describe('scanStaged: what the next commit adds', () => {
  it('reports keys in staged content only, not unstaged edits nor keys HEAD already holds at that path', async () => {
    const p = makeProject();
    const old = fakeKey('anthropic', 'old');
    const fresh = fakeKey('groq', 'fresh');
    const unstaged = fakeKey('xai', 'unstaged');
    p.write('app.ts', `const a = "${old}";\n`);
    p.commit('init');
    p.write('app.ts', `const a = "${old}";\nconst b = 1;\n`);
    p.write('new.ts', `\nexport const k = "${fresh}";\n`);
    p.git('add', 'app.ts', 'new.ts');
    p.write('new.ts', `export const k = "${unstaged}";\n`);
    const r = await scanStaged(optionsFor(p.dir));
    expect(r.findings.map((f) => [f.rule, f.location?.file, f.location?.line, f.secret?.fingerprint])).toEqual([['exposure.source-literal', 'new.ts', 2, fingerprint(fresh)]]);
    expect(r.checks[0]).toMatchObject({ id: 'exposure.staged', status: 'fail' });
    expect(r.checks[0]!.note).toMatch(/1 key already in HEAD/);
  });

  it('works before the first commit and passes when nothing is staged', async () => {
    const p = makeProject();
    const key = fakeKey('openai-project', 'first');
    p.write('.env', `OPENAI_API_KEY=${key}\n`);
    expect((await scanStaged(optionsFor(p.dir))).checks[0]).toMatchObject({ status: 'pass' });
    p.git('add', '.env');
    const r = await scanStaged(optionsFor(p.dir));
    expect(r.findings.map((f) => [f.rule, f.location?.file])).toEqual([['exposure.source-literal', '.env']]);
  });

  it('skips a staged file over the size limit and says so', async () => {
    const p = makeProject();
    p.write('big.txt', 'a'.repeat(2048));
    p.git('add', 'big.txt');
    const r = await scanStaged(optionsFor(p.dir, { maxFileBytes: 1024 }));
    expect(r.findings).toEqual([]);
    expect(r.checks[0]!.note).toMatch(/1 over the size limit/);
  });
});
