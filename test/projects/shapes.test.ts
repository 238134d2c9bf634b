import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

async function doctor(cwd: string, env: Record<string, string | undefined> = {}) {
  const r = await runCli(['doctor', '--offline', '--json'], { cwd, env });
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stdout: r.stdout };
}
const real = (r: Report) => r.findings.filter((f) => f.rule !== 'missing.keychain-unavailable');

describe('Python apps', () => {
  it('a Poetry app: providers from pyproject.toml and from os.environ reads, its name for the keychain, .env only (python-dotenv)', async () => {
    const p = makeProject();
    p.write('pyproject.toml', '[tool.poetry]\nname = "poetry-bot"\nversion = "0.1.0"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nanthropic = "^0.40"\npython-dotenv = "^1.0"\n');
    p.write('bot/main.py', 'import os\nclient = Groq(api_key=os.environ["GROQ_API_KEY"])\n');
    p.write('.gitignore', '.env*\n');
    const anthropic = fakeKey('anthropic', 'poetry');
    p.write('.env', `ANTHROPIC_API_KEY=${anthropic}\n`, 0o600);
    // python-dotenv reads .env only: a key in .env.local never reaches this app.
    p.write('.env.local', `ANTHROPIC_API_KEY=${fakeKey('anthropic', 'poetry-local')}\n`, 0o600);
    const { report } = await doctor(p.dir);
    expect(report.keys).toEqual([expect.objectContaining({ provider: 'anthropic', source: 'dotenv', file: '.env', fingerprint: fingerprint(anthropic), shadows: [] })]);
    expect(real(report).map((f) => [f.rule, f.title])).toEqual([['missing.key', expect.stringContaining('No Groq key')]]);
    expect(real(report)[0]!.detail).toMatch(/uses Groq/);
  });

  it('a requirements.txt app: providers from pinned requirements, a key in the environment', async () => {
    const p = makeProject({ name: undefined });
    p.write('requirements.txt', '# app\nopenai==1.51.0\nmistralai>=1.0 ; python_version>"3.9"\nflask\n');
    const key = fakeKey('openai-project', 'req');
    const { report } = await doctor(p.dir, { OPENAI_API_KEY: key });
    expect(report.keys).toEqual([expect.objectContaining({ provider: 'openai', source: 'env', fingerprint: fingerprint(key) })]);
    expect(real(report).map((f) => f.title)).toEqual([expect.stringContaining('No Mistral key')]);
  });
});

describe('a pnpm workspace with two Next.js apps and a Python service', () => {
  function monorepo() {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'mono', private: true }));
    p.write('pnpm-workspace.yaml', "packages:\n  - 'apps/*'\n  - \"services/*\" # python\n");
    p.write('.gitignore', 'node_modules\n.env*.local\n');
    p.write('apps/web/package.json', JSON.stringify({ name: 'web', dependencies: { next: '15', openai: '5' } }));
    p.write('apps/admin/package.json', JSON.stringify({ name: 'admin', dependencies: { next: '15', '@anthropic-ai/sdk': '1' } }));
    p.write('services/rag/requirements.txt', 'openai\npython-dotenv\n');
    p.commit('init');
    return p;
  }

  it('checks each app on its own: its providers, its .env files, which key wins there, findings grouped by app', async () => {
    const p = monorepo();
    const web = fakeKey('openai-project', 'web-local');
    const webOld = fakeKey('openai-project', 'web-env');
    const rag = fakeKey('openai-project', 'rag');
    p.write('apps/web/.env.local', `OPENAI_API_KEY=${web}\n`, 0o600);
    p.write('apps/web/.env', `OPENAI_API_KEY=${webOld}\n`, 0o600);
    p.write('apps/admin/.env.local', `NEXT_PUBLIC_ANTHROPIC_API_KEY=${fakeKey('anthropic', 'admin')}\n`, 0o600);
    p.write('services/rag/.env', `OPENAI_API_KEY=${rag}\n`, 0o644);
    const { report, code } = await doctor(p.dir);
    expect(code).toBe(1);
    expect((report.apps ?? []).map((a) => ({ ...a, providers: a.providers.map((p) => p.id) }))).toMatchObject([
      { path: 'apps/admin', name: 'admin', framework: 'Next.js', providers: ['anthropic'] },
      { path: 'apps/web', name: 'web', framework: 'Next.js', providers: ['openai'] },
      { path: 'services/rag', name: 'rag', framework: 'python-dotenv', providers: ['openai'] },
    ]);
    expect(report.keys.map((k) => [k.app, k.provider, k.file, k.fingerprint, k.shadows.map((s) => s.file)])).toEqual([
      ['apps/web', 'openai', 'apps/web/.env.local', fingerprint(web), ['apps/web/.env']],
      ['services/rag', 'openai', 'services/rag/.env', fingerprint(rag), []],
    ]);
    const byApp = real(report).map((f) => [f.app ?? null, f.rule, f.location?.file ?? null]).sort((a, b) => String(a).localeCompare(String(b)));
    expect(byApp).toEqual([
      ['apps/admin', 'exposure.browser-env', 'apps/admin/.env.local'],
      // The app reads ANTHROPIC_API_KEY: the missing key points at the line that holds it under the browser's name.
      ['apps/admin', 'missing.key', 'apps/admin/.env.local'],
      ['apps/web', 'missing.shadowed', 'apps/web/.env'],
      ['apps/web', 'exposure.env-not-ignored', 'apps/web/.env'],
      ['services/rag', 'exposure.env-not-ignored', 'services/rag/.env'],
      ['services/rag', 'exposure.file-permissions', 'services/rag/.env'],
    ].sort((a, b) => String(a).localeCompare(String(b))));
    expect(real(report).find((f) => f.rule === 'exposure.file-permissions')!.fix).toBe('In services/rag: Run `chmod 600 .env`.');
    expect(real(report).find((f) => f.rule === 'missing.key')!.fix).toBe('In apps/admin: Rename NEXT_PUBLIC_ANTHROPIC_API_KEY to ANTHROPIC_API_KEY in .env.local.');
  });

  it('--cwd apps/web narrows the doctor to one app, with the app\'s name for the keychain', async () => {
    const p = monorepo();
    p.write('apps/web/.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'narrow')}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--json', '--cwd', 'apps/web'], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.apps).toBeUndefined();
    expect(report.keys).toEqual([expect.objectContaining({ provider: 'openai', file: '.env.local' })]);
    expect(real(report)).toEqual([]);
  });

  it('prints one section per app in plain text', async () => {
    const p = monorepo();
    p.write('services/rag/.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'txt')}\n`, 0o600);
    const r = await runCli(['doctor', '--offline'], { cwd: p.dir });
    expect(r.stdout).toMatch(/^== apps\/web: Node\.js, Next\.js; no \.env file\n {3}uses openai: OPENAI_API_KEY \(/m);
    expect(r.stdout).toMatch(/^== services\/rag: Python, python-dotenv; loads \.env\n {3}uses openai: OPENAI_API_KEY \(/m);
    expect(r.stdout).toMatch(/^✓ Whole repository: nothing to report \(/m);
  });
});

describe('framework conventions', () => {
  it('a browser prefix counts in full only under the framework that ships it', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'next-app', dependencies: { next: '15', openai: '5' } }));
    p.write('.gitignore', '.env*\n');
    p.write('.env.local', `NEXT_PUBLIC_OPENAI_API_KEY=${fakeKey('openai-project', 'np')}\nVITE_OPENAI_API_KEY=${fakeKey('openai-project', 'vp')}\n`, 0o600);
    const { report } = await doctor(p.dir);
    const browser = report.findings.filter((f) => f.rule === 'exposure.browser-env').map((f) => [f.title.match(/under (\w+)/)![1], f.severity]);
    expect(browser.sort()).toEqual([['NEXT_PUBLIC_OPENAI_API_KEY', 'critical'], ['VITE_OPENAI_API_KEY', 'medium']]);
  });

  it('Vite ranks .env.development over .env.local; Next.js the other way round', async () => {
    const local = fakeKey('openai-project', 'local');
    const dev = fakeKey('openai-project', 'dev');
    for (const [dep, winner] of [['vite', dev], ['next', local]] as const) {
      const p = makeProject();
      p.write('package.json', JSON.stringify({ name: `${dep}-order`, dependencies: { [dep]: '1', openai: '5' } }));
      p.write('.gitignore', '.env*\n');
      p.write('.env.local', `OPENAI_API_KEY=${local}\n`, 0o600);
      p.write('.env.development', `OPENAI_API_KEY=${dev}\n`, 0o600);
      const { report } = await doctor(p.dir, { NODE_ENV: 'development' });
      expect(report.keys[0]!.fingerprint, dep).toBe(fingerprint(winner));
    }
  });
});

describe('notebooks', () => {
  /** A notebook as Jupyter saves it: nbformat 4, one key per line, keys sorted. */
  function notebook(cells: Array<{ source: string[]; outputs?: string[] }>): string {
    return JSON.stringify(
      {
        cells: cells.map((c, i) => ({
          cell_type: 'code',
          execution_count: i + 1,
          id: `cell-${i}`,
          metadata: {},
          outputs: (c.outputs ?? []).map((text) => ({ name: 'stdout', output_type: 'stream', text: [text] })),
          source: c.source,
        })),
        metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    );
  }

  it('reports a key in a saved output and one in a cell\'s code with the cell number, and how to clear outputs', async () => {
    const printed = fakeKey('openai-project', 'nb-output');
    const literal = fakeKey('groq', 'nb-source');
    const p = makeProject();
    p.write('requirements.txt', 'openai\n');
    p.write('analysis.ipynb', notebook([
      { source: ['import os\n', 'from openai import OpenAI\n'] },
      { source: ['print(os.environ["OPENAI_API_KEY"])\n'], outputs: [`${printed}\n`] },
      { source: [`client = Groq(api_key="${literal}")\n`] },
    ]));
    const r = await runCli(['scan', '--json'], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as Report;
    const byKey = (fp: string) => report.findings.find((f) => f.secret?.fingerprint === fp)!;
    expect(byKey(fingerprint(printed)).title).toMatch(/in analysis\.ipynb, cell 2 \(a saved output\)$/);
    expect(byKey(fingerprint(printed)).fix).toMatch(/jupyter nbconvert --clear-output --inplace analysis\.ipynb/);
    expect(byKey(fingerprint(printed)).fix).toMatch(/^Rotate the key/);
    expect(byKey(fingerprint(literal)).title).toMatch(/in analysis\.ipynb, cell 3 \(its code\)$/);
    expect(byKey(fingerprint(literal)).location).toMatchObject({ file: 'analysis.ipynb' });
    expect(r.code).toBe(1);
  });

  // The shape of anthropic-cookbook's notebooks and gpt-researcher's docs: double quotes in a cell
  // are `\"` in the saved JSON, and a cell that sets a key (from getpass, or a stand-in) reads none.
  it('a variable a cell reads in double quotes is read; one a cell or the code sets is not', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'website', dependencies: { '@docusaurus/core': '3' } }));
    p.write('docs/quickstart.ipynb', notebook([{ source: ["os.environ['OPENAI_API_KEY'] = 'your_openai_api_key'\n", 'os.environ["TAVILY_API_KEY"] = getpass()\n'] }]));
    // chat-ui's hook: the app gives HF_TOKEN a value of its own when none is set.
    p.write('src/init.ts', 'process.env.HF_TOKEN ??= process.env.ANTHROPIC_API_KEY;\n');
    p.write('docs/claude.ipynb', notebook([{ source: ['import os\n', 'client = Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])\n'] }]));
    const { report } = await doctor(p.dir);
    expect(report.project?.providers.map((u) => [u.id, u.evidence])).toEqual([['anthropic', ['docs/claude.ipynb reads ANTHROPIC_API_KEY']]]);
  });
});
