import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { ALNUM, pseudoRandom } from '../../src/providers/sample.js';
import { scanWorktree } from '../../src/scanner/index.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';
import { briefs, optionsFor, positionOf } from './helpers.js';

const MARKER = ['T3Blbk', 'FJ'].join('');

/** Writes `text` to `rel` and returns where `key` sits in it. */
function place(p: TestProject, rel: string, text: string, key: string): { file: string; line: number; column: number; fp: string } {
  p.write(rel, text);
  return { file: rel, ...positionOf(text, key), fp: fingerprint(key) };
}

describe('scanWorktree: keys in every context of a git working tree', () => {
  const p = makeProject({ name: 'ctx-app' });
  const K = {
    source: fakeKey('openai-project', 'src'),
    json: fakeKey('anthropic', 'json'),
    yaml: fakeKey('groq', 'yaml'),
    notebook: fakeKey('gemini', 'nb'),
    docker: fakeKey('mistral', 'docker'),
    ci: fakeKey('openrouter', 'ci'),
    markdown: fakeKey('xai', 'md'),
    minified: fakeKey('openai-svcacct', 'min'),
    untracked: fakeKey('deepseek', 'untracked'),
    envPlain: fakeKey('openai-project', 'env'),
    envPublic: fakeKey('openai-admin', 'public'),
    bundle: fakeKey('anthropic-admin', 'bundle'),
    log: fakeKey('openai-legacy', 'log'),
    allowed: fakeKey('groq', 'allowed'),
    ignoredByKeyward: fakeKey('xai', 'kwignore'),
  };
  p.write('.gitignore', 'dist/\n*.log\n.env*\n!.env.example\n');
  p.write('.keywardignore', 'fixtures/\n');
  const expected = [
    { rule: 'exposure.source-literal', ...place(p, 'src/app.ts', `import OpenAI from 'openai';\n\nexport const client = new OpenAI({ apiKey: "${K.source}" });\n`, K.source) },
    { rule: 'exposure.source-literal', ...place(p, 'config/settings.json', `{\n  "llm": {\n    "anthropic": "${K.json}"\n  }\n}\n`, K.json) },
    { rule: 'exposure.source-literal', ...place(p, 'config/app.yaml', `llm:\n  provider: groq\n  key: ${K.yaml}\n`, K.yaml) },
    {
      rule: 'exposure.source-literal',
      ...place(p, 'notebooks/explore.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: ['import os\n'], outputs: [{ output_type: 'stream', text: [`key is ${K.notebook}\n`] }] }] }, null, 1), K.notebook),
    },
    { rule: 'exposure.source-literal', ...place(p, 'Dockerfile', `FROM node:22\nENV MISTRAL_API_KEY ${K.docker}\nCMD ["node", "server.js"]\n`, K.docker) },
    { rule: 'exposure.source-literal', ...place(p, '.github/workflows/ci.yml', `jobs:\n  test:\n    env:\n      OPENROUTER_API_KEY: ${K.ci}\n`, K.ci) },
    { rule: 'exposure.source-literal', ...place(p, 'README.md', `# Usage\n\nRun with \`XAI_API_KEY=${K.markdown} npm start\`.\n`, K.markdown) },
    { rule: 'exposure.source-literal', ...place(p, 'public/vendor.min.js', `${'!function(){var a=1;'.repeat(2000)}var k="${K.minified}";}();\n`, K.minified) },
    { rule: 'exposure.browser-env', ...place(p, '.env.local', `OPENAI_API_KEY=${K.envPlain}\nNEXT_PUBLIC_OPENAI_API_KEY=${K.envPublic}\n`, K.envPublic) },
    { rule: 'exposure.bundle', ...place(p, 'dist/assets/index-3f2a.js', `const e="${K.bundle}";export{e as k};\n`, K.bundle) },
    { rule: 'exposure.log', ...place(p, 'server.log', `2026-01-01 request headers: {"x-api-key":"${K.log}"}\n`, K.log) },
  ];
  // Decoys, an allowed line, and a path .keywardignore excludes.
  p.write('docs/setup.md', `Set OPENAI_API_KEY=sk-proj-... in .env\nExample: sk-proj-${'x'.repeat(40)}${MARKER}${'x'.repeat(40)}\nGEMINI: AIza${'a'.repeat(35)}\n`);
  p.write('src/ids.ts', `export const requestId = "${pseudoRandom(32, ALNUM, 'req')}";\nexport const h = "hf_requiredCharacteristicIdentifier";\n`);
  p.write('test/fixture.ts', `export const sample = "${K.allowed}"; // keyward:allow fake key for tests\n`);
  p.write('fixtures/keys.txt', `${K.ignoredByKeyward}\n`);
  p.write('.env.example', 'OPENAI_API_KEY=<your key>\n');
  p.write('package-lock.json', '{"lockfileVersion": 3}\n');
  p.write('src/client.ts', `export const c = new OpenAI({\n  dangerouslyAllowBrowser: true,\n});\n`);
  p.commit('init', '.gitignore', '.keywardignore', 'src', 'config', 'notebooks', 'Dockerfile', '.github', 'README.md', 'public', 'docs', 'test', 'fixtures', '.env.example', 'package-lock.json');
  // Untracked, not ignored: still in the working tree that ships.
  expected.push({ rule: 'exposure.source-literal', ...place(p, 'scratch/notes.txt', `DEEPSEEK_API_KEY=${K.untracked}\n`, K.untracked) });

  it('finds exactly the planted keys, with rule, file, line, column and fingerprint', async () => {
    const r = await scanWorktree(optionsFor(p.dir));
    const keyFindings = r.findings.filter((f) => f.secret);
    const byPlace = (a: { rule: string; file?: string }, b: { rule: string; file?: string }) => `${a.rule}${a.file}`.localeCompare(`${b.rule}${b.file}`);
    expect(briefs(keyFindings).sort(byPlace)).toEqual(expected.map(({ rule, file, line, column, fp }) => ({ rule, file, line, column, fp })).sort(byPlace));
  });

  it('reports the browser client and gives each finding its severity', async () => {
    const r = await scanWorktree(optionsFor(p.dir));
    const client = r.findings.filter((f) => f.rule === 'exposure.browser-client');
    expect(client.map((f) => [f.location?.file, f.location?.line, f.severity])).toEqual([['src/client.ts', 2, 'high']]);
    expect(r.findings.find((f) => f.rule === 'exposure.log')?.severity).toBe('high');
    expect(r.findings.find((f) => f.rule === 'exposure.bundle')?.severity).toBe('critical');
  });

  it('says in the check what it scanned, skipped and suppressed', async () => {
    const r = await scanWorktree(optionsFor(p.dir));
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0]).toMatchObject({ id: 'exposure.worktree', status: 'fail' });
    expect(r.checks[0]!.note).toMatch(/Scanned \d+ files\. Skipped 2: 1 matched by \.keywardignore, 1 lockfile\. 1 marked keyward:allow\./);
  });

  it('marks the configured key active and says so in the title', async () => {
    const r = await scanWorktree(optionsFor(p.dir, { active: new Set([fingerprint(K.source)]) }));
    const f = r.findings.find((x) => x.secret?.fingerprint === fingerprint(K.source))!;
    expect(f.secret?.active).toBe(true);
    expect(f.title).toMatch(/^Active OpenAI project key/);
    expect(r.findings.filter((x) => x.secret?.active)).toHaveLength(1);
  });

  it('knows which keys HEAD holds: committed ones are inHead, untracked ones are not', async () => {
    const r = await scanWorktree(optionsFor(p.dir));
    const byFile = new Map(r.findings.map((f) => [f.location?.file, f.location?.inHead]));
    expect(byFile.get('src/app.ts')).toBe(true);
    expect(byFile.get('scratch/notes.txt')).toBe(false);
  });

  it('never puts a key into a finding', async () => {
    const r = await scanWorktree(optionsFor(p.dir, { active: new Set([fingerprint(K.source)]) }));
    const out = JSON.stringify(r);
    for (const key of Object.values(K)) expect(out).not.toContain(key.slice(-20));
  });

  it('honours the baseline file, and writes none by itself', async () => {
    const q = makeProject();
    const key = fakeKey('groq', 'baseline');
    q.write('a.ts', `const k = "${key}";\n`);
    q.write('.keyward-baseline', `# known\n${fingerprint(key)}  # groq\n`);
    expect((await scanWorktree(optionsFor(q.dir))).findings).toEqual([]);
    const all = await scanWorktree(optionsFor(q.dir, { useBaseline: false }));
    expect(all.findings.map((f) => f.secret?.fingerprint)).toEqual([fingerprint(key)]);
  });
});

describe('scanWorktree: outside git', () => {
  it('walks the folder, honouring nested .gitignore files but still reading bundles and logs', async () => {
    const p = makeProject({ git: false });
    const keep = fakeKey('anthropic', 'walk');
    const hidden = fakeKey('anthropic', 'hidden');
    const built = fakeKey('gemini', 'built');
    p.write('.gitignore', 'secret/\nbuild/\n');
    p.write('app/.gitignore', 'local.txt\n');
    p.write('app/main.py', `KEY = "${keep}"\n`);
    p.write('app/local.txt', `${hidden}\n`);
    p.write('secret/x.txt', `${hidden}\n`);
    p.write('build/static/app.js', `k="${built}"\n`);
    p.write('node_modules/pkg/index.js', `k="${hidden}"\n`);
    const r = await scanWorktree(optionsFor(p.dir));
    expect(r.findings.map((f) => [f.rule, f.location?.file]).sort()).toEqual([
      ['exposure.bundle', 'build/static/app.js'],
      ['exposure.source-literal', 'app/main.py'],
    ]);
    expect(r.findings.some((f) => f.location?.inHead !== undefined)).toBe(false);
  });
});
