import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

/** A workspace of `count` Next.js apps, each using OpenAI with a template of its own. */
function monorepo(count: number) {
  const p = makeProject();
  p.write('package.json', JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }));
  for (let i = 1; i <= count; i += 1) {
    const n = String(i).padStart(2, '0');
    p.write(`apps/app${n}/package.json`, JSON.stringify({ name: `app${n}`, dependencies: { next: '15.0.0', openai: '5.0.0' } }));
    p.write(`apps/app${n}/.env.local.example`, 'OPENAI_API_KEY=\n');
  }
  p.commit('apps');
  return p;
}

const GUESS = 'A wrong guess? Set it in package.json "keyward" ({"providers": ["openai"]}) or pyproject.toml [tool.keyward].';

describe('what keyward thinks the project is', () => {
  it('says it for a single app: language, framework, providers with their evidence, .env files, templates', async () => {
    const p = makeProject({ name: 'chat' });
    p.write('package.json', JSON.stringify({ name: 'chat', dependencies: { next: '15.0.0', openai: '5.0.0' } }));
    p.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'single')}\n`, 0o600);
    p.write('.env.example', 'OPENAI_API_KEY=\n');
    p.write('.gitignore', '.env.local\n');
    const text = await runCli(['doctor', '--offline', '--no-history'], { cwd: p.dir });
    const json = JSON.parse((await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir })).stdout) as Report;
    const openai = json.project!.providers.find((x) => x.id === 'openai')!;
    expect(text.stdout.split('\n').slice(0, 5)).toEqual([
      `keyward doctor: ${p.dir}`,
      '',
      'Project chat: Node.js, Next.js; loads .env.local; templates .env.example',
      `  uses openai: ${openai.variables[0]} (${openai.evidence.join(', ')})`,
      '',
    ]);
    expect(text.stdout.split('\n').slice(-3)).toEqual([GUESS, 'No problems found', '']);

    await runCli(['doctor', '--offline', '--no-history', '--markdown', 'report.md'], { cwd: p.dir });
    const md = readFileSync(join(p.dir, 'report.md'), 'utf8');
    expect(md).toContain(`**Project chat**: Node.js, Next.js; loads .env.local; templates .env.example; uses openai: OPENAI\\_API\\_KEY \\(${openai.evidence.join(', ').replaceAll('_', '\\_')}\\)\n`);
  });
});

describe('reports that fit on a screen', () => {
  it('collapses a 30-app monorepo with nothing wrong to one line for its apps, one key line and checks in words', async () => {
    const p = monorepo(30);
    const key = fakeKey('openai-project', 'mono');
    const r = await runCli(['doctor', '--offline', '--no-history', '--markdown', 'report.md'], { cwd: p.dir, env: { OPENAI_API_KEY: key } });
    const apps = Array.from({ length: 30 }, (_, i) => `apps/app${String(i + 1).padStart(2, '0')}`).join(', ');
    expect(r.stdout).toBe(
      [
        `keyward doctor: ${p.dir}`,
        '',
        'Project mono: Node.js, no known framework; no .env file; 30 apps',
        '  uses no LLM provider that keyward knows',
        '',
        `✓ 30 apps with nothing to report (--verbose shows each): ${apps}`,
        '',
        '✓ Whole repository: nothing to report (the OS keychain, keys in the working tree)',
        '',
        'Keys in use',
        `  openai: OPENAI_API_KEY from environment, sk-proj-…${key.slice(-4)} ${fingerprint(key)} (project), in 30 apps`,
        '',
        GUESS,
        'No problems found',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(0);
    const md = readFileSync(join(p.dir, 'report.md'), 'utf8');
    expect(md).toContain('<details><summary>30 apps: what keyward found in each</summary>\n\n| App | What it is | Providers (why) |\n|---|---|---|\n| apps/app01 | Node.js, Next.js; no .env file; templates .env.local.example | uses openai: OPENAI\\_API\\_KEY \\(');

    const verbose = await runCli(['doctor', '--offline', '--no-history', '--verbose'], { cwd: p.dir, env: { OPENAI_API_KEY: key } });
    expect(verbose.stdout).toContain('\n== apps/app30: Node.js, Next.js; no .env file; templates .env.local.example\n   uses openai: OPENAI_API_KEY (');
    expect(verbose.stdout.match(/^ {4}✓ which key wins \(keys\.resolution\)$/gm)).toHaveLength(30);
  });

  it('names checks in words, with the rule and check ids under --verbose only', async () => {
    const p = makeProject({ name: 'words' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'words')}\n`, 0o600);
    const plain = await runCli(['doctor', '--offline', '--no-history'], { cwd: p.dir });
    expect(plain.stdout).toMatch(/^ {2}✓ which key wins$/m);
    expect(plain.stdout).toMatch(/^ {2}✗ \.env files and git \(the repository has no commits yet\)$/m);
    expect(plain.stdout).toMatch(/^ {2}✖ high: \.env holds keys \(OPENAI_API_KEY\) and git does not ignore it$/m);
    expect(plain.stdout).not.toMatch(/keys\.resolution|exposure\.env-not-ignored/);
    const verbose = await runCli(['doctor', '--offline', '--no-history', '--verbose'], { cwd: p.dir });
    expect(verbose.stdout).toMatch(/^ {2}✓ which key wins \(keys\.resolution\)$/m);
    expect(verbose.stdout).toMatch(/^ {2}✖ high: \.env holds keys \(OPENAI_API_KEY\) and git does not ignore it \[exposure\.env-not-ignored\]$/m);
  });
});

describe('nothing anyone else controls reaches the output raw', () => {
  it('shows escape sequences in a file name as text, in the terminal report and the Markdown file', async () => {
    const p = makeProject({ name: 'hostile' });
    const key = fakeKey('openai-project', 'esc');
    p.write('\x1b]0;pwned\x07\x1b[2Ka.ts', `export const k = "${key}";\n`);
    p.write('<img src=x>.ts', `export const k = "${key}";\n`);
    p.write('[link](https:evil.example) `x` |.ts', `export const k = "${key}";\n`);
    const r = await runCli(['doctor', '--offline', '--no-history', '--markdown', 'report.md'], { cwd: p.dir });
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('  ✖ critical: OpenAI project key hardcoded in \\x1b]0;pwned\\x07\\x1b[2Ka.ts\n      at \\x1b]0;pwned\\x07\\x1b[2Ka.ts:1:19\n');
    expect(r.stdout).toContain('  ✖ critical: OpenAI project key hardcoded in <img src=x>.ts\n');

    const md = readFileSync(join(p.dir, 'report.md'), 'utf8');
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    // Inside a code span HTML is text; outside one, no tag may open.
    expect(md.replace(/(`+)[^`]*?\1|``.*?``/g, '').replace(/<\/?(details|summary|sub)>/g, '')).not.toContain('<');
    const where = `sk-proj-…${key.slice(-4)} ${fingerprint(key)}`;
    expect(md).toContain(`| ✖ | critical | OpenAI project key hardcoded in \\\\x1b\\]0;pwned\\\\x07\\\\x1b\\[2Ka.ts \`exposure.source-literal\` | \`\\x1b]0;pwned\\x07\\x1b[2Ka.ts:1:19 ${where}\` |`);
    expect(md).toContain(`| ✖ | critical | OpenAI project key hardcoded in &lt;img src=x&gt;.ts \`exposure.source-literal\` | \`<img src=x>.ts:1:19 ${where}\` |`);
    expect(md).toContain(`| ✖ | critical | OpenAI project key hardcoded in \\[link\\]\\(https:evil.example\\) \\\`x\\\` \\|.ts \`exposure.source-literal\` | \`\`[link](https:evil.example) \`x\` \\|.ts:1:19 ${where}\`\` |`);
  });
});
