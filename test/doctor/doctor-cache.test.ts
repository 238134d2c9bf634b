import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

// The doctor reads each source file for the variables it takes from the environment (which
// providers the app uses). With the result cache those reads are kept with the file's blob, so a
// second doctor reads only what changed and must reach the same verdicts.

function app(): TestProject {
  const p = makeProject({ name: 'cached-app' });
  p.write('.gitignore', '.env\nnode_modules/\n');
  p.write('src/chat.ts', 'export const key = process.env.OPENAI_API_KEY;\n');
  p.write('src/fast.ts', 'export const fast = process.env.GROQ_API_KEY;\n');
  p.write('src/leak.ts', `export const k = "${fakeKey('anthropic', 'doctor-cache')}";\n`);
  p.commit('app');
  return p;
}

async function doctor(p: TestProject, ...flags: string[]): Promise<{ code: number | null; report: Report }> {
  const r = await runCli(['doctor', '--offline', '--json', ...flags], { cwd: p.dir });
  const report = JSON.parse(r.stdout) as Report;
  return { code: r.code, report: { ...report, durationMs: 0, checks: report.checks.map((c) => ({ ...c, durationMs: 0 })) } };
}

const missing = (r: Report): string[] => r.findings.filter((f) => f.rule === 'missing.key').map((f) => f.title);

describe('keyward doctor with the result cache (built bin, real git)', () => {
  it('gives the same report from the cache as from reading every file', async () => {
    const p = app();
    const first = await doctor(p);
    const second = await doctor(p);
    const reread = await doctor(p, '--no-cache');
    expect([first.code, second.code, reread.code]).toEqual([1, 1, 1]);
    expect(missing(first.report)).toEqual(['No OpenAI key (OPENAI_API_KEY)', 'No Groq key (GROQ_API_KEY)']);
    expect(first.report.findings.filter((f) => f.category === 'exposure').map((f) => [f.rule, f.location?.file])).toEqual([['exposure.source-literal', 'src/leak.ts']]);
    expect(second.report).toEqual(first.report);
    expect(reread.report).toEqual(first.report);
  });

  it('sees every way code reads a variable through the scan\'s reading, and none in files that only say "env"', async () => {
    const p = makeProject({ name: 'read-forms' });
    p.write('src/bracket.ts', 'export const k = process.env["OPENAI_API_KEY"];\n');
    p.write('src/vite.ts', 'export const g = import.meta.env.GROQ_API_KEY;\n');
    p.write('app.py', 'import os\nkey = os.getenv("MISTRAL_API_KEY")\n');
    p.write('worker.py', 'import os\nkey = os.environ.get("ANTHROPIC_API_KEY")\n');
    // `env` without a read: the words alone must not be taken for one.
    p.write('src/words.ts', '// the environment, a venv, dotenv and ENV_NAME: COHERE_API_KEY is only named here\nexport const ENVIRONMENT = "COHERE_API_KEY";\n');
    p.commit('forms');
    const first = await doctor(p);
    const reread = await doctor(p, '--no-cache');
    expect(missing(first.report)).toEqual(['No OpenAI key (OPENAI_API_KEY)', 'No Anthropic key (ANTHROPIC_API_KEY)', 'No Groq key (GROQ_API_KEY)', 'No Mistral key (MISTRAL_API_KEY)']);
    expect(reread.report).toEqual(first.report);
  });

  it('takes an unchanged file\'s variables from the cache, and reads the file again once it changes', async () => {
    const p = app();
    await doctor(p);
    // Proof that src/fast.ts is not read: the snapshot of the index is made to say it reads no variable.
    const tree = join(p.dir, '.git', 'keyward', 'tree.json');
    const snap = JSON.parse(readFileSync(tree, 'utf8')) as { named: Array<[string, { hits: unknown[]; tap?: string } | null]> };
    const entry = snap.named.find(([path]) => path === 'src/fast.ts')?.[1];
    expect(entry).toEqual({ hits: [], tap: 'code-reads/3\n[["GROQ_API_KEY"],[],[],[],false,[]]' });
    entry!.tap = 'code-reads/3\n';
    writeFileSync(tree, JSON.stringify(snap));
    expect(missing((await doctor(p)).report)).toEqual(['No OpenAI key (OPENAI_API_KEY)']);
    // Without the snapshot, the cache of the file's blob is believed the same way.
    rmSync(tree);
    const file = join(p.dir, '.git', 'keyward', 'worktree.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { found: Record<string, { hits: unknown[]; tap?: string }> };
    const oid = p.git('rev-parse', 'HEAD:src/fast.ts').trim();
    expect(data.found[oid]).toEqual({ hits: [], tap: 'code-reads/3\n[["GROQ_API_KEY"],[],[],[],false,[]]' });
    data.found[oid]!.tap = 'code-reads/3\n';
    writeFileSync(file, JSON.stringify(data));
    expect(missing((await doctor(p)).report)).toEqual(['No OpenAI key (OPENAI_API_KEY)']);
    p.write('src/fast.ts', 'export const fast = process.env.GROQ_API_KEY; // edited\n');
    expect(missing((await doctor(p)).report)).toEqual(['No OpenAI key (OPENAI_API_KEY)', 'No Groq key (GROQ_API_KEY)']);
  });
});
