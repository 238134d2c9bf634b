import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { ALNUM, pseudoRandom } from '../../src/providers/sample.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

// Each project here has the shape of a real open-source LLM app (vercel/ai's examples, the Vercel
// chatbot template, Python + Next.js repositories), written anew with keys built at run time.

async function doctor(cwd: string, env: Record<string, string | undefined> = {}, extra: string[] = []) {
  const r = await runCli(['doctor', '--offline', '--no-history', '--json', ...extra], { cwd, env });
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}
const real = (r: Report) => r.findings.filter((f) => f.rule !== 'missing.keychain-unavailable');
const gatewayKey = (seed: string) => `vck_${pseudoRandom(56, ALNUM, seed)}`;

describe('apps are found where they are', () => {
  function pythonWithFrontend() {
    const p = makeProject();
    p.write('requirements.txt', 'fastapi==0.111.1\nopenai==1.37.1\npython-dotenv==1.0.1\n');
    p.write('main.py', 'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n');
    p.write('frontend/package.json', JSON.stringify({ name: 'frontend', dependencies: { next: '15', ai: '5', '@ai-sdk/openai': '2' } }));
    p.write('frontend/app/page.tsx', 'export default function Page() { return null; }\n');
    p.write('.gitignore', '.env*\nnode_modules\n');
    p.commit('init');
    return p;
  }

  it('a NEXT_PUBLIC_ key in frontend/.env.local of a Next.js app beside a Python backend is critical, and doctor --ci exits 1', async () => {
    const p = pythonWithFrontend();
    p.write('frontend/.env.local', `NEXT_PUBLIC_OPENAI_API_KEY=${fakeKey('openai-project', 'front')}\n`, 0o600);
    const r = await runCli(['doctor', '--ci', '--offline', '--json'], { cwd: p.dir, env: { OPENAI_API_KEY: fakeKey('openai-project', 'server') } });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.apps?.map((a) => [a.path, a.language, a.framework, a.providers.map((u) => u.id)])).toEqual([
      ['.', 'python', 'python-dotenv', ['openai']],
      ['frontend', 'node', 'Next.js', ['openai']],
    ]);
    expect(real(report).map((f) => [f.rule, f.severity, f.app, f.location?.file])).toEqual([
      ['exposure.browser-env', 'critical', 'frontend', 'frontend/.env.local'],
    ]);
    expect(r.code).toBe(1);
  });

  it('finds frontend/, backend/ and examples/* without a workspace file, and skips node_modules, .venv, dist and test fixtures', async () => {
    const p = makeProject();
    p.write('frontend/package.json', JSON.stringify({ name: 'web', dependencies: { next: '15' } }));
    p.write('backend/pyproject.toml', '[project]\nname = "api"\ndependencies = ["anthropic>=0.40", "flask"]\n');
    p.write('examples/chat/package.json', JSON.stringify({ name: 'chat', dependencies: { groq: '1' } }));
    p.write('examples/group/rag/requirements-dev.txt', 'mistralai\n');
    p.write('frontend/node_modules/openai/package.json', JSON.stringify({ name: 'openai' }));
    p.write('backend/.venv/lib/site/pyproject.toml', '[project]\nname = "x"\n');
    p.write('frontend/dist/package.json', '{}');
    p.write('backend/tests/fixtures/app/requirements.txt', 'openai\n');
    p.write('.hidden/package.json', '{}');
    const { report } = await doctor(p.dir);
    expect(report.apps?.map((a) => [a.path, a.name, a.framework, a.providers.map((u) => u.id)])).toEqual([
      ['backend', 'api', 'Flask with python-dotenv', ['anthropic']],
      ['examples/chat', 'chat', 'no known framework', []],
      ['examples/group/rag', 'rag', 'no known framework', ['mistral']],
      ['frontend', 'web', 'Next.js', []],
    ]);
  });

  it('a workspace root with no dependencies of its own does not repeat its members: each file belongs to the deepest app, tests to none', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'sdk-repo', private: true, devDependencies: { turbo: '2' } }));
    p.write('pnpm-workspace.yaml', "packages:\n  - 'examples/*'\n");
    p.write('examples/express/package.json', JSON.stringify({ name: '@example/express', dependencies: { express: '4', dotenv: '16' } }));
    p.write('examples/express/src/server.ts', 'const key = process.env.OPENAI_API_KEY;\n');
    // Tests call real APIs in CI with keys of their own: not what the app needs to run.
    p.write('examples/express/src/server.test.ts', 'const key = process.env.ANTHROPIC_API_KEY;\n');
    p.write('examples/express/tests/helpers.ts', 'const key = process.env.MISTRAL_API_KEY;\n');
    p.write('examples/express/src/tools/package.json', JSON.stringify({ name: 'tools' }));
    p.write('examples/express/src/tools/index.ts', 'const key = process.env.GROQ_API_KEY;\n');
    p.commit('init');
    const { report } = await doctor(p.dir);
    expect(report.project?.providers).toEqual([]);
    expect(report.apps?.map((a) => [a.path, a.providers.map((u) => [u.id, u.evidence])])).toEqual([
      ['examples/express', [['openai', ['src/server.ts reads OPENAI_API_KEY']]]],
      ['examples/express/src/tools', [['groq', ['index.ts reads GROQ_API_KEY']]]],
    ]);
    expect(real(report).map((f) => [f.app, f.title])).toEqual([
      ['examples/express', 'No OpenAI key (OPENAI_API_KEY)'],
      ['examples/express/src/tools', 'No Groq key (GROQ_API_KEY)'],
    ]);
  });
});

// The shape of assafelovic/gpt-researcher: one .env at the root, and scripts in folders of their own
// (evals/*, deep_agents) that call load_dotenv(), whose search finds the root's .env from there.
describe('python-dotenv looks for .env up from the code', () => {
  it('an app whose code calls load_dotenv() with no path reads the .env above it; one that does not, does not; the file is checked once', async () => {
    const p = makeProject();
    p.write('pyproject.toml', '[project]\nname = "researcher"\ndependencies = ["openai", "python-dotenv"]\n');
    p.write('main.py', 'import os\nfrom dotenv import load_dotenv\nload_dotenv()\nkey = os.environ["OPENAI_API_KEY"]\n');
    p.write('evals/simple/requirements.txt', 'openai\n');
    p.write('evals/simple/run_eval.py', 'from dotenv import load_dotenv\nfrom openai import OpenAI\nload_dotenv(override=True)\nclient = OpenAI()\n');
    p.write('tools/requirements.txt', 'openai\n');
    p.write('tools/main.py', 'import os\nkey = os.environ["OPENAI_API_KEY"]\n');
    p.commit('init');
    const key = fakeKey('openai-project', 'dotenv-search');
    // Not ignored: the root's check says so, once.
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir });
    expect(r.stdout + r.stderr).not.toContain(key);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.apps?.map((a) => [a.path, a.framework, a.envFiles])).toEqual([
      ['.', 'python-dotenv', ['.env']],
      ['evals/simple', 'python-dotenv', ['.env']],
      ['tools', 'no known framework', []],
    ]);
    expect(report.keys.map((k) => [k.app, k.file, k.fingerprint])).toEqual([
      ['.', '.env', fingerprint(key)],
      ['evals/simple', '.env', fingerprint(key)],
    ]);
    expect(real(report).map((f) => [f.app, f.rule, f.title])).toEqual([
      ['.', 'exposure.env-not-ignored', '.env holds keys (OPENAI_API_KEY) and git does not ignore it'],
      ['tools', 'missing.key', 'No OpenAI key (OPENAI_API_KEY)'],
    ]);
    expect(r.code).toBe(1);
    // The second run takes the code's reads from the cache: the search is kept with them.
    const again = await doctor(p.dir);
    expect(again.report.keys.map((k) => [k.app, k.file])).toEqual([['.', '.env'], ['evals/simple', '.env']]);
  });
});

// The shape of langchain-ai/opengpts: the README has the root's .env filled in, and docker compose
// hands it to the backend (`env_file: [.env]`), whose code calls no dotenv.
describe('docker compose gives a service its env_file', () => {
  it('the app a service is built from reads the env files compose names; the file is checked once', async () => {
    const p = makeProject();
    p.write('docker-compose.yml', ['services:', '  backend:', '    build:', '      context: backend', '    env_file:', '      - .env', '  frontend:', '    build:', '      context: frontend', ''].join('\n'));
    p.write('backend/pyproject.toml', '[project]\nname = "backend"\ndependencies = ["langchain-openai"]\n');
    p.write('backend/app/server.py', 'import os\nkey = os.environ["OPENAI_API_KEY"]\n');
    p.write('frontend/package.json', JSON.stringify({ name: 'frontend', dependencies: { vite: '6', react: '19' } }));
    p.write('.gitignore', '.env\n');
    p.commit('init');
    const key = fakeKey('openai-project', 'compose');
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o644);
    const r = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir });
    expect(r.stdout + r.stderr).not.toContain(key);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.apps?.map((a) => [a.path, a.envFiles])).toEqual([
      ['.', ['.env']],
      ['backend', ['.env']],
      ['frontend', []],
    ]);
    expect(report.keys.map((k) => [k.app, k.file])).toEqual([
      ['.', '.env'],
      ['backend', '.env'],
    ]);
    // Mode 644: said once, by the root, whose folder holds the file.
    expect(real(report).map((f) => [f.app, f.rule])).toEqual([['.', 'exposure.file-permissions']]);
  });
});

// mem0's providers (`self.config.api_key or os.getenv("GROQ_API_KEY")`, SDKs in an `llms` extra),
// assistant-ui's agents (`if os.getenv("OPENAI_API_KEY"):` before an echo agent), langgraphjs's
// libraries (provider SDKs in devDependencies): the app runs without these keys.
describe('keys an app runs without', () => {
  it('a read that is only a fallback or a switch makes a note; a plain read elsewhere or a check that insists does not', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'openai\ngroq\nanthropic\nmistralai\ncohere\n');
    p.write('agent.py', 'import os\nif os.getenv("OPENAI_API_KEY"):\n    agent = "llm"\nelse:\n    agent = "echo"\nhealth = {"openai_configured": bool(os.getenv("OPENAI_API_KEY"))}\n');
    p.write('llms/groq.py', 'import os\ndef client(api_key=None):\n    return api_key or os.getenv("GROQ_API_KEY")\n');
    p.write('llms/claude.py', 'import os\nkey = os.environ.get("ANTHROPIC_API_KEY") or os.getenv("COHERE_API_KEY")\n');
    p.write('tools/check.py', 'import os\nif not os.getenv("MISTRAL_API_KEY"):\n    raise SystemExit("set MISTRAL_API_KEY")\n');
    p.write('tools/rerank.py', 'import os\nco = os.environ["COHERE_API_KEY"]\n');
    const first = await doctor(p.dir);
    for (const { report } of [first, await doctor(p.dir)]) {
      expect(real(report).map((f) => [f.title, f.severity])).toEqual([
        ['No Anthropic key (ANTHROPIC_API_KEY)', 'high'],
        ['No Mistral key (MISTRAL_API_KEY)', 'high'],
        ['No Cohere key (COHERE_API_KEY or CO_API_KEY)', 'high'],
        ['No OpenAI key (OPENAI_API_KEY)', 'info'],
        ['No Groq key (GROQ_API_KEY)', 'info'],
      ]);
      expect(real(report).find((f) => f.title.startsWith('No OpenAI'))!.detail).toMatch(/ agent\.py reads OPENAI_API_KEY only as a fallback or a switch, so this is a note\.$/);
    }
  });

  // quivr loads public tokenizers with transformers: no Hugging Face token needed.
  it('transformers or the Hub client alone make a Hugging Face note; code that reads HF_TOKEN makes it needed', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'transformers\nopenai\n');
    p.write('app.py', 'import os\nfrom transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("Quivr/tokenizer")\nkey = os.environ["OPENAI_API_KEY"]\n');
    const local = await doctor(p.dir);
    expect(real(local.report).map((f) => [f.title, f.severity])).toEqual([
      ['No OpenAI key (OPENAI_API_KEY)', 'high'],
      ['No Hugging Face key (HF_TOKEN)', 'info'],
    ]);
    expect(real(local.report)[1]!.detail).toMatch(/ transformers needs HF_TOKEN only for gated or private models, so this is a note\.$/);
    p.write('gated.py', 'import os\ntoken = os.environ["HF_TOKEN"]\n');
    const gated = await doctor(p.dir);
    expect(real(gated.report).find((f) => f.title.startsWith('No Hugging Face'))!.severity).toBe('high');
  });

  it('an SDK listed only as an extra or, outside a bundled app, only in devDependencies makes a note', async () => {
    const p = makeProject();
    p.write('pyproject.toml', '[project]\nname = "memlib"\ndependencies = ["openai>=1"]\n\n[project.optional-dependencies]\nllms = ["groq>=0.9", "together"]\n');
    p.write('ts/package.json', JSON.stringify({ name: 'memlib-ts', main: 'dist/index.js', dependencies: { openai: '5' }, devDependencies: { '@anthropic-ai/sdk': '0.30' } }));
    p.write('web/package.json', JSON.stringify({ name: 'web', devDependencies: { '@sveltejs/kit': '2', openai: '5' } }));
    const { report } = await doctor(p.dir);
    const rows = (report.apps ?? []).flatMap((a) => a.providers.map((u) => [a.path, u.id, u.optional]));
    expect(rows).toEqual([
      ['.', 'openai', false],
      ['.', 'groq', true],
      ['.', 'together', true],
      ['ts', 'openai', false],
      ['ts', 'anthropic', true],
      ['web', 'openai', false],
    ]);
    expect(real(report).find((f) => f.app === 'ts' && f.title.startsWith('No Anthropic'))!.detail).toMatch(/ package\.json lists @anthropic-ai\/sdk only in devDependencies, so this is a note\.$/);
    expect(real(report).find((f) => f.app === '.' && f.title.startsWith('No Groq'))!.detail).toMatch(/ the manifests list groq only as an extra or for development, so this is a note\.$/);
  });
});

describe('an app\'s code, read by the scan', () => {
  it('committed, new and git-ignored files all say which keys an app reads; tests, node_modules and nested apps do not', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'repo', private: true }));
    p.write('.gitignore', 'node_modules\ngenerated/\n');
    p.write('apps/api/package.json', JSON.stringify({ name: 'api' }));
    p.write('apps/api/src/server.ts', 'const key = process.env.OPENAI_API_KEY;\n');
    p.write('apps/api/src/server.test.ts', 'const key = process.env.MISTRAL_API_KEY;\n');
    p.write('apps/web/package.json', JSON.stringify({ name: 'web', dependencies: { ai: '5' } }));
    p.write('apps/web/generated/env.ts', 'export const key = process.env.ANTHROPIC_API_KEY;\n');
    p.write('apps/web/src/model.ts', "export const model = 'xai/grok-4';\n");
    p.write('apps/web/node_modules/lib/index.js', 'module.exports = process.env.COHERE_API_KEY;\n');
    p.write('apps/web/tools/package.json', JSON.stringify({ name: 'tools' }));
    p.write('apps/web/tools/run.js', 'const key = process.env.DEEPSEEK_API_KEY;\n');
    p.commit('init');
    p.write('apps/api/worker.py', 'import os\nkey = os.getenv("GROQ_API_KEY")\n');
    const { report } = await doctor(p.dir);
    expect(report.apps?.map((a) => [a.path, a.providers.map((u) => [u.id, u.evidence])])).toEqual([
      ['apps/api', [['openai', ['src/server.ts reads OPENAI_API_KEY']], ['groq', ['worker.py reads GROQ_API_KEY']]]],
      ['apps/web', [['anthropic', ['generated/env.ts reads ANTHROPIC_API_KEY']], ['ai-gateway', ["src/model.ts uses the gateway model id 'xai/grok-4'"]]]],
      ['apps/web/tools', [['deepseek', ['run.js reads DEEPSEEK_API_KEY']]]],
    ]);
  });
});

describe('templates are templates', () => {
  function sdkExamples() {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'ai-repo', private: true }));
    p.write('pnpm-workspace.yaml', "packages:\n  - 'examples/*'\n");
    p.write('.gitignore', 'node_modules\n.env\n.env.local\n');
    p.write('examples/next-openai/package.json', JSON.stringify({ name: '@example/next-openai', dependencies: { next: '15', ai: '5', '@ai-sdk/openai': '2' } }));
    p.write('examples/next-openai/.env.local.example', '# Get your OpenAI API Key here: https://platform.openai.com/account/api-keys\nOPENAI_API_KEY=xxxxxxx\n');
    p.write('examples/node/package.json', JSON.stringify({ name: '@example/node', dependencies: { dotenv: '16' } }));
    p.write('examples/node/.env.example', 'ANTHROPIC_API_KEY=""\n');
    p.write('examples/node/example.env', 'GROQ_API_KEY=your-groq-key\n');
    p.write('examples/node/.env.production.sample', 'MISTRAL_API_KEY=\n');
    p.commit('init');
    return p;
  }

  it('committed .env.local.example, .env.example, example.env and .env.*.sample are never key sources nor env findings, but name the providers', async () => {
    const p = sdkExamples();
    const { report } = await doctor(p.dir);
    expect(report.keys).toEqual([]);
    expect(real(report).filter((f) => f.rule.startsWith('exposure.'))).toEqual([]);
    expect(report.apps?.map((a) => [a.path, a.templates, a.envFiles, a.providers.map((u) => [u.id, u.evidence, u.variables])])).toEqual([
      [
        'examples/next-openai',
        ['examples/next-openai/.env.local.example'],
        [],
        [['openai', ['dependency @ai-sdk/openai', '.env.local.example names OPENAI_API_KEY'], ['OPENAI_API_KEY']]],
      ],
      [
        'examples/node',
        ['examples/node/.env.example', 'examples/node/.env.production.sample', 'examples/node/example.env'],
        [],
        [
          ['anthropic', ['.env.example names ANTHROPIC_API_KEY'], ['ANTHROPIC_API_KEY']],
          ['groq', ['example.env names GROQ_API_KEY'], ['GROQ_API_KEY']],
          ['mistral', ['.env.production.sample names MISTRAL_API_KEY'], ['MISTRAL_API_KEY']],
        ],
      ],
    ]);
  });

  it('doctor --fix --yes leaves a template alone and writes no second .env.example beside it', async () => {
    const p = sdkExamples();
    p.write('examples/next-openai/.env.development', `OPENAI_API_KEY=${fakeKey('openai-project', 'dev')}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--no-history', '--fix', '--yes'], { cwd: p.dir });
    expect(r.stdout).toMatch(/✓ Add "\/examples\/next-openai\/\.env\.development" to \.gitignore/);
    expect(r.stdout).not.toMatch(/Create [^\n]*\.env\.example/);
    expect(() => readFileSync(join(p.dir, 'examples/next-openai/.env.example'))).toThrow();
    expect(p.git('ls-files', 'examples/next-openai/.env.local.example').trim()).toBe('examples/next-openai/.env.local.example');
    expect(p.git('status', '--porcelain', '--', 'examples').trim()).toBe('');
  });

  it('a real key pasted into a template is still a leak in source', async () => {
    const p = makeProject({ name: 'pasted' });
    const key = fakeKey('openai-project', 'pasted');
    p.write('.env.example', `OPENAI_API_KEY=${key}\n`);
    p.commit('init');
    const { report } = await doctor(p.dir);
    expect(report.keys).toEqual([]);
    expect(real(report).filter((f) => f.rule.startsWith('exposure.')).map((f) => [f.rule, f.severity, f.location?.file, f.secret?.fingerprint])).toEqual([
      ['exposure.source-literal', 'critical', '.env.example', fingerprint(key)],
    ]);
  });

  it('a provider the template marks optional (a comment, a section, a commented-out line) or the config names is optional', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'multi', dependencies: { '@ai-sdk/openai': '2', '@ai-sdk/mistral': '2' }, keyward: { optional: ['mistral'] } }));
    p.write(
      '.env.example',
      [
        '# Required',
        'OPENAI_API_KEY=',
        '',
        '# Optional: only for the Claude models',
        'ANTHROPIC_API_KEY=',
        'GROQ_API_KEY= # optional',
        '# XAI_API_KEY=',
        '',
        '# ---------- Optional providers ----------',
        'DEEPSEEK_API_KEY=',
        '',
      ].join('\n'),
    );
    const { report } = await doctor(p.dir);
    expect(report.project?.providers.map((u) => [u.id, u.optional])).toEqual([
      ['openai', false],
      ['anthropic', true],
      ['groq', true],
      ['mistral', true],
      ['xai', true],
      ['deepseek', true],
    ]);
  });
});

// The shape of mckaywrigley/chatbot-ui: its README says `cp .env.local.example .env.local`, which
// leaves every key empty; the ones the template calls optional stay notes.
describe('the template copied as it is', () => {
  it('an optional key left empty is a note that says why; the required one left empty is high', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'chatbot', dependencies: { next: '15', openai: '5', '@anthropic-ai/sdk': '0.30', 'groq-sdk': '0.5' } }));
    const template = ['# Required', 'OPENAI_API_KEY=', '', '# API Keys (Optional: Entering an API key here overrides the API keys globally for all users.)', 'ANTHROPIC_API_KEY=', 'GROQ_API_KEY=', ''].join('\n');
    p.write('.env.local.example', template);
    p.write('.gitignore', '.env.local\n');
    p.commit('init');
    p.write('.env.local', template, 0o600);
    const { code, report } = await doctor(p.dir);
    expect(real(report).map((f) => [f.rule, f.title, f.severity])).toEqual([
      ['missing.empty', 'OPENAI_API_KEY is set but empty in .env.local line 2', 'high'],
      ['missing.empty', 'ANTHROPIC_API_KEY is set but empty in .env.local line 5', 'info'],
      ['missing.empty', 'GROQ_API_KEY is set but empty in .env.local line 6', 'info'],
    ]);
    expect(real(report)[1]!.detail).toBe("An app reads an empty ANTHROPIC_API_KEY. The project's template marks Anthropic optional, so this is a note.");
    expect(report.keys).toEqual([]);
    expect(code).toBe(1);
  });
});

describe('files beside .env, and what loads .env', () => {
  // llamacoder keeps its template as .example.env; opengpts keeps a gcloud --env-vars-file as .env.gcp.yaml.
  it('.example.env is a template; .env.gcp.yaml is no .env file; a placeholder in a file the app does not load is no line to move', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'openai\npython-dotenv\n');
    p.write('.example.env', '# Required API keys\nOPENAI_API_KEY=\n');
    p.write('.env.gcp.yaml', 'OPENAI_API_KEY: your_secret_here\n');
    p.write('.env.other', 'OPENAI_API_KEY=your_secret_here\n');
    const { report } = await doctor(p.dir);
    expect(report.project).toMatchObject({ templates: ['.example.env'], envFiles: [] });
    expect(real(report).map((f) => [f.title, f.location?.file ?? null])).toEqual([['No OpenAI key (OPENAI_API_KEY)', null]]);
    expect(real(report)[0]!.fix).toMatch(/^Run `keyward setup --provider openai`/);
  });

  it('a Chainlit app: Chainlit loads .env itself, so the fix adds no code', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'chainlit\nopenai\n');
    const { report } = await doctor(p.dir);
    expect(report.project).toMatchObject({ framework: 'Chainlit' });
    expect(real(report)[0]!.fix).toMatch(/ and set OPENAI_API_KEY in \.env: Chainlit loads \.env itself, so there is nothing to add to the code\.$/);
  });
});

// The shape of assafelovic/gpt-researcher: a Python app with ten providers' SDKs, whose .env.example
// names OPENAI_API_KEY (and a search key): the others are there for people who choose them.
describe('a template is the list of keys to set', () => {
  function manyProviders() {
    const p = makeProject();
    p.write('requirements.txt', 'openai>=1\nlangchain-openai\nlangchain-anthropic\nlangchain-groq\nlangchain-mistralai\npython-dotenv\n');
    p.write('app/embeddings.py', 'import os\nkey = os.environ.get("AZURE_OPENAI_API_KEY")\n');
    p.write('.env.example', 'OPENAI_API_KEY=\nTAVILY_API_KEY=\n');
    p.commit('init');
    return p;
  }

  it('providers it leaves out are notes that say why; the one it names is the problem', async () => {
    const { code, report } = await doctor(manyProviders().dir);
    expect(real(report).map((f) => [f.title, f.severity])).toEqual([
      ['No OpenAI key (OPENAI_API_KEY)', 'high'],
      ['No Anthropic key (ANTHROPIC_API_KEY)', 'info'],
      ['No Groq key (GROQ_API_KEY)', 'info'],
      ['No Mistral key (MISTRAL_API_KEY)', 'info'],
      ['No Azure OpenAI key (AZURE_OPENAI_API_KEY)', 'info'],
    ]);
    expect(real(report).find((f) => f.title.startsWith('No Anthropic'))!.detail).toMatch(
      /\.env\.example names other providers' keys but not Anthropic's, so this is a note\.$/,
    );
    expect(report.project?.providers.filter((u) => !u.optional).map((u) => u.id)).toEqual(['openai']);
    expect(code).toBe(1);
  });

  // The shape of e2b-dev/fragments: `# OpenAI API Key` over OPENAI_API_KEY, then `# Other providers`
  // over the rest, which the app reads as `apiKey || process.env.GROQ_API_KEY`.
  it('a group under "Other providers" is optional: only the main provider\'s missing key is high', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'fragments', dependencies: { next: '15', '@ai-sdk/openai': '2', '@ai-sdk/anthropic': '2', '@ai-sdk/mistral': '2' } }));
    p.write('lib/models.ts', 'export const groq = (apiKey?: string) => ({ apiKey: apiKey || process.env.GROQ_API_KEY });\n');
    p.write('.env.template', ['# OpenAI API Key', 'OPENAI_API_KEY=', '', '# Other providers', 'ANTHROPIC_API_KEY=', 'GROQ_API_KEY=', 'MISTRAL_API_KEY=', ''].join('\n'));
    const { report } = await doctor(p.dir);
    expect(real(report).map((f) => [f.title, f.severity])).toEqual([
      ['No OpenAI key (OPENAI_API_KEY)', 'high'],
      ['No Anthropic key (ANTHROPIC_API_KEY)', 'info'],
      ['No Groq key (GROQ_API_KEY)', 'info'],
      ['No Mistral key (MISTRAL_API_KEY)', 'info'],
    ]);
  });

  // assistant-ui's docs app: the note about the base URL is not about the key under it.
  it('a comment that names a variable marks that variable optional, not the key in its group', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'docs', dependencies: { next: '15', '@ai-sdk/openai': '2', '@ai-sdk/anthropic': '2' } }));
    p.write('.env.example', ['# OPENAI_BASE_URL is optional; set it to use a proxy', 'OPENAI_BASE_URL=', 'OPENAI_API_KEY=sk-...', '', '# Optional: Claude models', 'ANTHROPIC_API_KEY=', ''].join('\n'));
    const { report } = await doctor(p.dir);
    expect(report.project?.providers.map((u) => [u.id, u.optional])).toEqual([
      ['openai', false],
      ['anthropic', true],
    ]);
  });

  it('a provider asked for with --provider is needed all the same', async () => {
    const { report } = await doctor(manyProviders().dir, {}, ['--provider', 'anthropic']);
    expect(real(report).find((f) => f.title.startsWith('No Anthropic'))!.severity).toBe('high');
  });
});

describe('an env schema (t3-env) is the list of variables the app reads', () => {
  function t3App() {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 't3-chat', dependencies: { next: '15', '@t3-oss/env-nextjs': '0.13', zod: '3' } }));
    p.write(
      'src/env.js',
      [
        "import { createEnv } from '@t3-oss/env-nextjs';",
        "import { z } from 'zod';",
        'export const env = createEnv({',
        '  server: {',
        '    NODE_ENV: z.enum(["development", "test", "production"]),',
        '    OPENAI_API_KEY: z.string().min(1),',
        '    ANTHROPIC_API_KEY: z.string().optional(),',
        '    GROQ_API_KEY: z.string().default(""),',
        '    MISTRAL_API_KEY: z.string(),',
        '  },',
        // t3-env's experimental__runtimeEnv reads the server variables itself: no process.env.X for them.
        '  experimental__runtimeEnv: { NODE_ENV: process.env.NODE_ENV },',
        '});',
        '',
      ].join('\n'),
    );
    p.write('src/server/chat.ts', "import { env } from '../env.js';\nexport const key = env.OPENAI_API_KEY;\n");
    p.write('scripts/seed.ts', 'const groq = process.env.GROQ_API_KEY;\n');
    p.commit('init');
    return p;
  }

  it('its entries are read; .optional() and .default() make a missing key a note, also when a script reads it; the second run (from the cache) says the same', async () => {
    const p = t3App();
    const first = await doctor(p.dir);
    for (const { code, report } of [first, await doctor(p.dir)]) {
      expect(real(report).map((f) => [f.title, f.severity])).toEqual([
        ['No OpenAI key (OPENAI_API_KEY)', 'high'],
        ['No Mistral key (MISTRAL_API_KEY)', 'high'],
        ['No Anthropic key (ANTHROPIC_API_KEY)', 'info'],
        ['No Groq key (GROQ_API_KEY)', 'info'],
      ]);
      expect(real(report).find((f) => f.title.startsWith('No Anthropic'))!.detail).toMatch(/ src\/env\.js declares ANTHROPIC_API_KEY optional, so this is a note\.$/);
      expect(report.project?.providers.map((u) => [u.id, u.evidence[0]])).toEqual([
        ['openai', 'src/env.js reads OPENAI_API_KEY'],
        ['anthropic', 'src/env.js reads ANTHROPIC_API_KEY'],
        ['groq', 'scripts/seed.ts reads GROQ_API_KEY'],
        ['mistral', 'src/env.js reads MISTRAL_API_KEY'],
      ]);
      expect(code).toBe(1);
    }
  });
});

// The shape of a FastAPI backend (FastAPI's full-stack template, Quivr, AgentGPT's platform): a
// pydantic settings class reads the keys, and its env_file loads .env; no os.environ is written.
describe('a pydantic settings class is the list of variables the app reads', () => {
  function fastapiApp() {
    const p = makeProject();
    p.write('pyproject.toml', '[project]\nname = "chat-api"\ndependencies = ["fastapi", "openai", "anthropic", "groq", "pydantic-settings"]\n');
    p.write(
      'app/core/config.py',
      [
        'from typing import Optional',
        'from pydantic import Field',
        'from pydantic_settings import BaseSettings, SettingsConfigDict',
        '',
        'PREFIX = "CHAT_"',
        '',
        '',
        'class Settings(BaseSettings):',
        '    """Read from the environment.',
        '',
        '    mistral_api_key: not used any more',
        '    """',
        '',
        '    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=".env", extra="ignore")',
        '',
        '    openai_api_key: str',
        '    anthropic_api_key: Optional[str] = None  # Claude, when asked for',
        '    groq_api_key: str = Field(default="", alias="GROQ_KEY")',
        '    database_url: str = "sqlite:///chat.db"',
        '',
        '    def redacted(self) -> str:',
        '        return "…"',
        '',
        '',
        'settings = Settings()',
        '',
      ].join('\n'),
    );
    p.write('app/main.py', 'from openai import OpenAI\nfrom app.core.config import settings\nclient = OpenAI(api_key=settings.openai_api_key)\n');
    p.write('.gitignore', '.env\n');
    p.commit('init');
    return p;
  }

  it('its fields are read under the prefix, an optional one is a note, and the fix says pydantic loads .env itself; the second run (from the cache) says the same', async () => {
    const p = fastapiApp();
    await doctor(p.dir);
    const { code, report } = await doctor(p.dir);
    expect(report.project).toMatchObject({ language: 'python', framework: 'pydantic-settings' });
    expect(report.project?.providers.map((u) => [u.id, u.evidence[1], u.variables[0], u.optional])).toEqual([
      ['openai', 'app/core/config.py reads CHAT_OPENAI_API_KEY', 'CHAT_OPENAI_API_KEY', false],
      ['anthropic', 'app/core/config.py reads CHAT_ANTHROPIC_API_KEY', 'CHAT_ANTHROPIC_API_KEY', true],
      ['groq', 'app/core/config.py reads GROQ_KEY', 'GROQ_KEY', true],
    ]);
    expect(real(report).map((f) => [f.title, f.severity])).toEqual([
      ['No OpenAI key (CHAT_OPENAI_API_KEY or OPENAI_API_KEY)', 'high'],
      ['No Anthropic key (CHAT_ANTHROPIC_API_KEY or ANTHROPIC_API_KEY)', 'info'],
      ['No Groq key (GROQ_KEY or GROQ_API_KEY)', 'info'],
    ]);
    const openai = real(report)[0]!;
    expect(openai.fix).toMatch(/ and set CHAT_OPENAI_API_KEY in \.env: pydantic-settings loads \.env itself, so there is nothing to add to the code\.$/);
    expect(real(report)[1]!.detail).toMatch(/ app\/core\/config\.py declares CHAT_ANTHROPIC_API_KEY optional, so this is a note\.$/);
    expect(code).toBe(1);
  });

  it('the key in .env under the prefixed name is the one the app uses; a value of the wrong shape says so', async () => {
    const p = fastapiApp();
    const key = fakeKey('openai-project', 'pydantic-settings');
    p.write('.env', `CHAT_OPENAI_API_KEY=${key}\n`, 0o600);
    const found = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir });
    const report = JSON.parse(found.stdout) as Report;
    expect(real(report).map((f) => f.title)).toEqual(['No Anthropic key (CHAT_ANTHROPIC_API_KEY or ANTHROPIC_API_KEY)', 'No Groq key (GROQ_KEY or GROQ_API_KEY)']);
    expect(report.keys.map((k) => [k.provider, k.variable, k.source, k.file])).toEqual([['openai', 'CHAT_OPENAI_API_KEY', 'dotenv', '.env']]);
    expect(found.stdout + found.stderr).not.toContain(key);
    expect(found.code).toBe(0);

    // Half a key, as a copy cut short leaves it.
    p.write('.env', `CHAT_OPENAI_API_KEY=${key.slice(0, 60)}\n`, 0o600);
    const { report: wrong } = await doctor(p.dir);
    expect(real(wrong)[0]!.title).toBe('CHAT_OPENAI_API_KEY in .env line 1 is not a usable key: the value does not have the shape of an OpenAI key');
  });
});

describe('the variable the code really reads', () => {
  it('@ai-sdk/google, @ai-sdk/cohere and @ai-sdk/azure: the missing-key fix names the variable each SDK reads', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'sdk-app', dependencies: { ai: '5', '@ai-sdk/google': '2', '@ai-sdk/cohere': '2', '@ai-sdk/azure': '2' } }));
    const { report } = await doctor(p.dir);
    expect(report.project?.providers.map((u) => [u.id, u.variables])).toEqual([
      ['gemini', ['GOOGLE_GENERATIVE_AI_API_KEY']],
      ['azure-openai', ['AZURE_API_KEY']],
      ['cohere', ['COHERE_API_KEY']],
    ]);
    const missing = real(report).filter((f) => f.rule === 'missing.key');
    expect(missing.map((f) => [f.title, / and set (\w+)/.exec(f.fix)?.[1]]).sort()).toEqual([
      ['No Azure OpenAI key (AZURE_API_KEY)', 'AZURE_API_KEY'],
      ['No Cohere key (COHERE_API_KEY)', 'COHERE_API_KEY'],
      ['No Google Gemini key (GOOGLE_GENERATIVE_AI_API_KEY)', 'GOOGLE_GENERATIVE_AI_API_KEY'],
    ]);
  });

  // The shape of gpt-researcher's backend: its Google retriever reads GOOGLE_API_KEY with GOOGLE_CX_KEY.
  it('GOOGLE_API_KEY read beside a search engine id is a Custom Search key, not Gemini, unless a Gemini SDK is there', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'openai\nrequests\n');
    p.write('retrievers/google.py', 'import os\nkey = os.getenv("GOOGLE_API_KEY", "")\ncx = os.getenv("GOOGLE_CX_KEY", "")\n');
    p.write('main.py', 'import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n');
    const search = await doctor(p.dir);
    expect(search.report.project?.providers.map((u) => u.id)).toEqual(['openai']);
    p.write('requirements.txt', 'openai\nrequests\ngoogle-genai\n');
    const both = await doctor(p.dir);
    expect(both.report.project?.providers.map((u) => [u.id, u.evidence])).toEqual([
      ['openai', ['Python dependency openai', 'main.py reads OPENAI_API_KEY']],
      ['gemini', ['Python dependency google-genai']],
    ]);
  });

  // The shape of anthropic-cookbook's usage notebook: the Admin API's key beside the app's.
  it('an admin key the code reads under its own name is not the app\'s key: nothing shadows, nothing is missing', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'anthropic\npython-dotenv\n');
    p.write('usage.py', 'import os\nadmin = os.getenv("ANTHROPIC_ADMIN_API_KEY")\n');
    p.write('chat.py', 'import os\nfrom anthropic import Anthropic\nclient = Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])\n');
    p.write('.gitignore', '.env\n');
    const key = fakeKey('anthropic', 'app');
    p.write('.env', `ANTHROPIC_API_KEY=${key}\nANTHROPIC_ADMIN_API_KEY=${fakeKey('anthropic-admin', 'usage')}\n`, 0o600);
    const { report, code } = await doctor(p.dir);
    expect(report.project?.providers.map((u) => [u.id, u.variables])).toEqual([['anthropic', ['ANTHROPIC_API_KEY']]]);
    expect(report.keys.map((k) => [k.variable, k.fingerprint, k.shadows])).toEqual([['ANTHROPIC_API_KEY', fingerprint(key), []]]);
    expect(real(report)).toEqual([]);
    expect(code).toBe(0);
  });

  // e2b's fragments: its template names GOOGLE_AI_API_KEY, and @ai-sdk/google reads GOOGLE_GENERATIVE_AI_API_KEY.
  it('a key under a name the app does not read: the finding says which line holds it and what to rename it to', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'fragments', dependencies: { next: '15', '@ai-sdk/google': '2' } }));
    p.write('.gitignore', '.env.local\n');
    const key = fakeKey('gemini', 'misnamed');
    p.write('.env.local', `NEXT_PUBLIC_SITE_URL=http://localhost:3000\nGOOGLE_AI_API_KEY=${key}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir });
    expect(r.stdout + r.stderr).not.toContain(key);
    const [finding] = real(JSON.parse(r.stdout) as Report);
    expect(finding).toMatchObject({
      rule: 'missing.key',
      title: 'No Google Gemini key (GOOGLE_GENERATIVE_AI_API_KEY)',
      fix: 'Rename GOOGLE_AI_API_KEY to GOOGLE_GENERATIVE_AI_API_KEY in .env.local.',
      location: { file: '.env.local', line: 2 },
    });
    expect(finding!.detail).toMatch(new RegExp(` \\.env\\.local holds a Google Gemini key \\(AIza…${key.slice(-4)}\\) under GOOGLE_AI_API_KEY, a name the app does not read\\.$`));
  });

  it('an app whose code reads GOOGLE_GEMINI_API_KEY finds its key there, with that as evidence', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'gemini-app', dependencies: { '@google/genai': '1' } }));
    p.write('src/chat.ts', "import { GoogleGenAI } from '@google/genai';\nconst ai = new GoogleGenAI({ apiKey: process.env.GOOGLE_GEMINI_API_KEY });\n");
    p.write('.gitignore', '.env\n');
    const key = fakeKey('gemini', 'own-name');
    p.write('.env', `GOOGLE_GEMINI_API_KEY=${key}\n`, 0o600);
    const { report, code } = await doctor(p.dir);
    expect(report.project?.providers).toEqual([
      {
        id: 'gemini',
        evidence: ['dependency @google/genai', 'src/chat.ts reads GOOGLE_GEMINI_API_KEY'],
        variables: ['GOOGLE_GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GEMINI_API_KEY'],
        optional: false,
      },
    ]);
    expect(report.keys).toEqual([expect.objectContaining({ provider: 'gemini', variable: 'GOOGLE_GEMINI_API_KEY', file: '.env', fingerprint: fingerprint(key) })]);
    expect(real(report)).toEqual([]);
    expect(code).toBe(0);
  });
  it('the fix names the SDK\'s variable the code also reads before a name of its own, and never a browser-prefixed one', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'e2e', dependencies: { next: '15', '@ai-sdk/openai': '2', '@ai-sdk/anthropic': '2' } }));
    p.write('app/chat/direct/page.tsx', "const key = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n");
    p.write('app/chat/other/page.tsx', "const key = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n");
    p.write('app/api/files/route.ts', "const key = process.env.OPENAI_API_KEY;\n");
    p.write('agent/microsoft.ts', "const a = process.env.ANTHROPIC_MICROSOFT_API_KEY;\n");
    p.write('agent/microsoft-tools.ts', "const a = process.env.ANTHROPIC_MICROSOFT_API_KEY;\n");
    p.write('app/api/anthropic/route.ts', "const a = process.env.ANTHROPIC_API_KEY;\n");
    const { report } = await doctor(p.dir);
    expect(report.project?.providers.map((u) => [u.id, u.variables])).toEqual([
      ['openai', ['OPENAI_API_KEY', 'NEXT_PUBLIC_OPENAI_API_KEY']],
      ['anthropic', ['ANTHROPIC_API_KEY', 'ANTHROPIC_MICROSOFT_API_KEY']],
    ]);
    expect(real(report).filter((f) => f.rule === 'missing.key').map((f) => / and set (\w+)/.exec(f.fix)?.[1]).sort()).toEqual(['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);
  });
});

describe('the Vercel AI Gateway', () => {
  function chatbot() {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'chatbot', dependencies: { next: '16', ai: '6', react: '19' } }));
    p.write('app/api/chat/route.ts', "import { streamText } from 'ai';\nimport type { ChatCompletion } from 'openai/resources';\n\nexport async function POST() {\n  return streamText({ model: 'openai/gpt-4o', prompt: 'hi' });\n}\n");
    p.write('.env.example', '# API key required for non-Vercel deployments\n# For Vercel deployments, OIDC tokens are used automatically\nAI_GATEWAY_API_KEY=****\n');
    p.write('.gitignore', '.env*.local\n');
    return p;
  }

  it("the chatbot template (the `ai` package with 'openai/gpt-4o' model ids) needs only AI_GATEWAY_API_KEY", async () => {
    const { report, code } = await doctor(chatbot().dir);
    expect(report.project?.providers).toEqual([
      {
        id: 'ai-gateway',
        evidence: ["app/api/chat/route.ts uses the gateway model id 'openai/gpt-4o'", '.env.example names AI_GATEWAY_API_KEY'],
        variables: ['AI_GATEWAY_API_KEY'],
        optional: false,
      },
    ]);
    expect(real(report).map((f) => [f.rule, f.title])).toEqual([['missing.key', 'No Vercel AI Gateway key (AI_GATEWAY_API_KEY)']]);
    expect(code).toBe(1);
  });

  it('finds a gateway key in .env.local and shows it by its vck_ prefix', async () => {
    const p = chatbot();
    const key = gatewayKey('chat');
    p.write('.env.local', `AI_GATEWAY_API_KEY=${key}\n`, 0o600);
    const { report, code } = await doctor(p.dir);
    expect(report.keys).toEqual([expect.objectContaining({ provider: 'ai-gateway', variable: 'AI_GATEWAY_API_KEY', file: '.env.local', redacted: `vck_…${key.slice(-4)}`, fingerprint: fingerprint(key) })]);
    expect(real(report)).toEqual([]);
    expect(code).toBe(0);
  });

  // The chatbot template's README: `vercel link`, then `vercel env pull` (which writes a 12-hour
  // VERCEL_OIDC_TOKEN to .env.local), then `pnpm dev`; @ai-sdk/gateway takes the token when no key is set.
  it('an OIDC token from `vercel env pull` stands in for the key until it expires, and the expired one says so', async () => {
    const p = chatbot();
    const missing = await doctor(p.dir);
    expect(real(missing.report)[0]!.fix).toMatch(/ For a project on Vercel, `vercel env pull` writes the OIDC token the gateway takes instead \(VERCEL_OIDC_TOKEN in \.env\.local, 12 hours\)\.$/);
    const jwt = (exp: number) =>
      [{ alg: 'RS256', typ: 'JWT' }, { iss: 'https://oidc.vercel.com/team', sub: 'owner:team:project:chatbot:environment:development', exp }]
        .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
        .concat(pseudoRandom(86, ALNUM, `sig-${exp}`))
        .join('.');
    const inTwelveHours = Math.floor(Date.now() / 1000) + 12 * 3600;
    const fresh = jwt(inTwelveHours);
    p.write('.env.local', `# Created by Vercel CLI\nVERCEL_OIDC_TOKEN="${fresh}"\n`, 0o600);
    const live = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir, env: {} });
    expect(live.stdout + live.stderr).not.toContain(fresh.split('.')[2]);
    expect(real(JSON.parse(live.stdout) as Report)).toEqual([]);
    expect(live.code).toBe(0);

    const expiredAt = Date.UTC(2026, 0, 15, 9, 30);
    p.write('.env.local', `VERCEL_OIDC_TOKEN="${jwt(expiredAt / 1000)}"\n`, 0o600);
    const { report, code } = await doctor(p.dir);
    expect(real(report).map((f) => [f.rule, f.severity, f.title])).toEqual([
      ['missing.key', 'high', 'No Vercel AI Gateway key: VERCEL_OIDC_TOKEN in .env.local expired at 2026-01-15 09:30 UTC'],
    ]);
    expect(real(report)[0]!.fix).toMatch(/^Run `vercel env pull` for a new token, or create a key at https:\/\/vercel\.com\/\S+ and set AI_GATEWAY_API_KEY in \.env\.local: Next\.js loads \.env\.local itself/);
    expect(code).toBe(1);
  });

  it('@ai-sdk/gateway is the gateway; an import path like openai/resources is not a model id', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'plain', dependencies: { ai: '6', openai: '5' } }));
    p.write('src/index.ts', "import OpenAI from 'openai';\nimport type { Stream } from 'openai/streaming';\nconst client = new OpenAI();\n");
    const plain = await doctor(p.dir, { OPENAI_API_KEY: fakeKey('openai-project', 'plain') });
    expect(plain.report.project?.providers.map((u) => u.id)).toEqual(['openai']);
    p.write('package.json', JSON.stringify({ name: 'gw', dependencies: { '@ai-sdk/gateway': '3' } }));
    const gw = await doctor(p.dir);
    expect(gw.report.project?.providers.map((u) => [u.id, u.evidence])).toEqual([['ai-gateway', ['dependency @ai-sdk/gateway']]]);
  });
});

describe('a Python project with a package.json of scripts', () => {
  // The shape of create-llama's python/llama-index-server: pyproject.toml, and a package.json of pnpm tasks.
  it('is Python: the fix says python-dotenv, not npm', async () => {
    const p = makeProject();
    p.write('pyproject.toml', '[project]\nname = "llama-index-server"\ndependencies = ["llama-index-llms-openai"]\n');
    p.write('package.json', JSON.stringify({ name: 'llama-index-server', private: true, scripts: { build: 'hatch build', test: 'pytest' } }));
    const { report } = await doctor(p.dir);
    expect(report.project).toMatchObject({ language: 'python', framework: 'no known framework' });
    expect(real(report)[0]!.fix).toMatch(/ and set OPENAI_API_KEY in \.env and load it with python-dotenv \(/);
  });
});

describe('Python projects configure keyward in pyproject.toml', () => {
  it('[tool.keyward] sets the project name, the providers, the optional ones and the templates, as package.json "keyward" does', async () => {
    const p = makeProject();
    p.write(
      'pyproject.toml',
      [
        '[project]',
        'name = "rag-service"',
        'dependencies = ["openai>=1.0", "cohere", "python-dotenv"]',
        '',
        '[tool.keyward]',
        'project = "rag" # the keychain account',
        'providers = [',
        '  "openai",',
        "  'anthropic',",
        ']',
        'optional = ["anthropic"]',
        'templates = ["config/keys.txt"]',
        '',
        '[tool.ruff]',
        'line-length = 100',
        '',
      ].join('\n'),
    );
    p.write('config/keys.txt', 'OPENAI_API_KEY=\n');
    const { report } = await doctor(p.dir);
    expect(report.project).toMatchObject({
      name: 'rag',
      language: 'python',
      framework: 'python-dotenv',
      templates: ['config/keys.txt'],
      providers: [
        { id: 'openai', evidence: ['pyproject.toml [tool.keyward].providers', 'config/keys.txt names OPENAI_API_KEY'], variables: ['OPENAI_API_KEY'], optional: false },
        { id: 'anthropic', evidence: ['pyproject.toml [tool.keyward].providers'], variables: ['ANTHROPIC_API_KEY'], optional: true },
      ],
    });
  });
});
