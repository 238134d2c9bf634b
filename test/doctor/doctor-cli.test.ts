import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { HEX, pseudoRandom } from '../../src/providers/sample.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, tempDir } from '../support/repo.js';

async function doctorJson(cwd: string, extra: string[] = [], env: Record<string, string | undefined> = {}) {
  const r = await runCli(['doctor', '--offline', '--json', ...extra], { cwd, env });
  return { ...r, report: JSON.parse(r.stdout) as Report };
}

const rules = (r: Report) => r.findings.map((f) => f.rule).sort();

/** Every file under `dir` (but .git) with its bytes and mode, to prove the doctor changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[p] = `${statSync(p).mode.toString(8)}:${readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

describe('keyward doctor on real repositories', () => {
  it('reports a committed .env holding an OpenAI key as exposure.env-tracked, with its fingerprint, and exits 1', async () => {
    const key = fakeKey('openai-project', 'tracked');
    const p = makeProject({ name: 'tracked-app' });
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    p.commit('add env');
    const { code, report } = await doctorJson(p.dir);
    expect(code).toBe(1);
    const f = report.findings.find((x) => x.rule === 'exposure.env-tracked');
    expect(f).toMatchObject({
      category: 'exposure',
      severity: 'critical',
      location: { file: '.env', line: 1, commit: null, inHead: true },
      secret: { provider: 'openai', kind: 'project', fingerprint: fingerprint(key), redacted: `sk-proj-…${key.slice(-4)}`, active: true },
    });
    expect(f!.fix).toContain('git rm --cached .env');
    expect(report.keys).toEqual([
      expect.objectContaining({ provider: 'openai', variable: 'OPENAI_API_KEY', source: 'dotenv', file: '.env', fingerprint: fingerprint(key), kind: 'project', shadows: [] }),
    ]);
  });

  it('finds no problem when the key is only in an ignored .env with mode 0600, and exits 0', async () => {
    const p = makeProject({ name: 'clean-app' });
    p.write('package.json', JSON.stringify({ name: 'clean-app', dependencies: { openai: '^7.0.0' } }));
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'clean')}\n`, 0o600);
    p.commit('init', 'package.json', '.gitignore');
    const { code, report } = await doctorJson(p.dir);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.summary.failed).toBe(false);
    expect(code).toBe(0);
    expect(report.schema).toBe('keyward.report/v1');
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['keys.resolution', 'exposure.env-files', 'exposure.file-permissions', 'hygiene.key-kind']));
  });

  it('flags an untracked .env that git does not ignore, and one readable by others', async () => {
    const p = makeProject({ name: 'loose-app' });
    p.write('.env', `ANTHROPIC_API_KEY=${fakeKey('anthropic', 'loose')}\n`, 0o644);
    const { code, report } = await doctorJson(p.dir);
    expect(rules(report).filter((r) => r !== 'missing.keychain-unavailable')).toEqual(['exposure.env-not-ignored', 'exposure.file-permissions']);
    expect(report.findings.find((f) => f.rule === 'exposure.file-permissions')!.fix).toBe('Run `chmod 600 .env`.');
    expect(code).toBe(1);
  });

  it('asks git, not the pattern text: a nested .gitignore that ignores .env counts', async () => {
    const p = makeProject();
    p.write('app/package.json', JSON.stringify({ name: 'nested-app', dependencies: { openai: '1' } }));
    p.write('app/.gitignore', '/.env\n');
    p.write('app/.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'nested')}\n`, 0o600);
    p.commit('init', 'app/package.json', 'app/.gitignore');
    const { report } = await doctorJson(join(p.dir, 'app'));
    expect(rules(report).filter((r) => r.startsWith('exposure'))).toEqual([]);
    expect(report.keys[0]).toMatchObject({ provider: 'openai', source: 'dotenv', file: '.env' });
  });

  it('skips the git rules outside a repository, with a note', async () => {
    const p = makeProject({ git: false, name: 'plain-folder' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'plain')}\n`, 0o600);
    const { code, report } = await doctorJson(p.dir);
    expect(report.checks.find((c) => c.id === 'exposure.env-files')).toMatchObject({ status: 'skip', note: 'not a git repository' });
    expect(code).toBe(0);
  });

  it('reports the environment shadowing a different .env key, and the key that wins', async () => {
    const envKey = fakeKey('openai-project', 'shell');
    const fileKey = fakeKey('openai-project', 'file');
    const p = makeProject({ name: 'shadow-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `# keys\nOPENAI_API_KEY=${fileKey}\n`, 0o600);
    const { report } = await doctorJson(p.dir, [], { OPENAI_API_KEY: envKey });
    const f = report.findings.find((x) => x.rule === 'missing.shadowed')!;
    expect(f).toMatchObject({ severity: 'medium', location: { file: '.env', line: 2 }, secret: { fingerprint: fingerprint(fileKey), active: false } });
    expect(f.fix).toContain('unset OPENAI_API_KEY');
    expect(report.keys[0]).toMatchObject({ source: 'env', fingerprint: fingerprint(envKey), shadows: [{ source: 'dotenv', file: '.env', fingerprint: fingerprint(fileKey) }] });
  });

  it.each([
    ['quotes kept inside the value', (k: string) => `OPENAI_API_KEY="'${k}'"`, 'missing.malformed', /quote/],
    ['a Bearer prefix', (k: string) => `OPENAI_API_KEY="Bearer ${k}"`, 'missing.malformed', /Bearer/],
    ['trailing whitespace inside quotes', (k: string) => `OPENAI_API_KEY="${k} "`, 'missing.malformed', /spaces/],
    ['a placeholder: the key is not set', () => 'OPENAI_API_KEY=sk-...', 'missing.key', /^No OpenAI key: OPENAI_API_KEY in \.env line 1 is a placeholder$/],
    ['a masked copy', (k: string) => `OPENAI_API_KEY=${k.slice(0, 8)}••••••••${k.slice(-4)}`, 'missing.malformed', /masked/],
    ['non-ASCII characters', (k: string) => `OPENAI_API_KEY=${k.slice(0, 20)}ü${k.slice(21)}`, 'missing.malformed', /non-ASCII/],
    ['an empty value', () => 'OPENAI_API_KEY=', 'missing.empty', /empty/],
    ['an Anthropic key', () => `OPENAI_API_KEY=${fakeKey('anthropic', 'wrong')}`, 'missing.wrong-provider', /Anthropic/],
    ['an admin key', () => `OPENAI_API_KEY=${fakeKey('openai-admin', 'adm')}`, 'hygiene.admin-key', /admin/],
    ['a legacy user key', () => `OPENAI_API_KEY=${fakeKey('openai-legacy', 'leg')}`, 'hygiene.legacy-key', /legacy/],
    ['a line without "="', (k: string) => `OPENAI_API_KEY ${k}`, 'missing.malformed', /no "="/],
  ])('diagnoses %s', async (_label, line, rule, title) => {
    const p = makeProject({ name: 'value-app' });
    p.write('package.json', JSON.stringify({ name: 'value-app', dependencies: { openai: '1' } }));
    p.write('.gitignore', '.env\n');
    p.write('.env', `${line(fakeKey('openai-project', 'v'))}\n`, 0o600);
    const { report } = await doctorJson(p.dir);
    const f = report.findings.find((x) => x.rule === rule);
    expect(f, JSON.stringify(report.findings, null, 1)).toBeDefined();
    expect(f!.title).toMatch(title);
    expect(f!.fix.length).toBeGreaterThan(10);
  });

  // openai-assistants-quickstart's README shows `export OPENAI_API_KEY='sk_...'`: exported, the stand-in wins over .env.local.
  it('a stand-in exported in the shell: the fix is to unset it, not to set the key in a file that already holds it', async () => {
    const p = makeProject({ name: 'quickstart' });
    p.write('package.json', JSON.stringify({ name: 'quickstart', dependencies: { next: '15', openai: '5' } }));
    p.write('.gitignore', '.env*.local\n');
    p.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'quick')}\n`, 0o600);
    const { report } = await doctorJson(p.dir, [], { OPENAI_API_KEY: 'sk-...' });
    const f = report.findings.find((x) => x.rule === 'missing.key')!;
    expect(f.title).toBe('No OpenAI key: OPENAI_API_KEY in the environment is a placeholder');
    expect(f.detail).toBe('The environment sets OPENAI_API_KEY to a stand-in (like sk-... or your-key-here), not a key, so the app has no OpenAI key.');
    expect(f.fix).toBe('Run `unset OPENAI_API_KEY` (and remove the export from your shell profile): the environment wins over every .env file, so the app gets the key in .env.local line 1 once it is gone.');
  });

  // Together's older keys are 64 hex characters: an older format, not an account-wide key a project key would replace.
  it('a Together key of the older hex format is in use, with no legacy-key finding', async () => {
    const p = makeProject({ name: 'together-app' });
    p.write('package.json', JSON.stringify({ name: 'together-app', dependencies: { 'together-ai': '0.9' } }));
    p.write('.gitignore', '.env\n');
    const key = pseudoRandom(64, HEX, 'together-hex');
    p.write('.env', `TOGETHER_API_KEY=${key}\n`, 0o600);
    const { report } = await doctorJson(p.dir);
    expect(report.keys.map((k) => [k.provider, k.kind])).toEqual([['together', 'legacy']]);
    expect(report.findings.filter((f) => f.rule !== 'missing.keychain-unavailable')).toEqual([]);
  });

  it('reports a provider the project depends on but has no key for as missing.key', async () => {
    const p = makeProject({ name: 'nokey' });
    p.write('package.json', JSON.stringify({ name: 'nokey', dependencies: { '@anthropic-ai/sdk': '1', openai: '1' } }));
    p.write('.env.example', 'GROQ_API_KEY=\n');
    const { code, report } = await doctorJson(p.dir, [], { OPENAI_API_KEY: fakeKey('openai-project', 'has') });
    const missing = report.findings.filter((f) => f.rule === 'missing.key').map((f) => [f.title, f.severity]);
    // The template names Groq's key and not Anthropic's: Anthropic's is a note.
    expect(missing).toEqual([
      ['No Groq key (GROQ_API_KEY)', 'high'],
      ['No Anthropic key (ANTHROPIC_API_KEY)', 'info'],
    ]);
    expect(code).toBe(1);
  });

  it('gates on --fail-on: a medium finding fails only at --fail-on medium', async () => {
    const p = makeProject({ name: 'perm-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'perm')}\n`, 0o640);
    expect((await doctorJson(p.dir)).code).toBe(0);
    const strict = await doctorJson(p.dir, ['--fail-on', 'medium']);
    expect(strict.code).toBe(1);
    expect(strict.report.summary).toMatchObject({ medium: 1, failed: true });
    const bad = await runCli(['doctor', '--fail-on', 'severe'], { cwd: p.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/critical, high, medium, low, info/);
  });

  it('prints plain text without colour when stdout is not a terminal, with every fix', async () => {
    const p = makeProject({ name: 'text-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'text')}\n`, 0o600);
    p.commit('oops');
    const r = await runCli(['doctor', '--offline'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toMatch(/^Exposure$/m);
    expect(r.stdout).toMatch(/✖ critical: \.env is committed to git and holds an OpenAI key \(OPENAI_API_KEY\)/);
    expect(r.stdout).toMatch(/fix: Run `git rm --cached \.env`/);
    expect(r.stdout).toMatch(/^1 problem/m);
  });
});

describe('bare keyward takes the doctor\'s flags', () => {
  const tracked = () => {
    const p = makeProject({ name: 'bare-flags-app' });
    p.write('package.json', JSON.stringify({ name: 'bare-flags-app', dependencies: { openai: '^7.0.0' } }));
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'bare')}\n`, 0o600);
    p.commit('init', 'package.json', '.env');
    return p;
  };

  it('`keyward --offline --json` prints the doctor\'s report and its exit code', async () => {
    const p = tracked();
    const r = await runCli(['--offline', '--no-history', '--json'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as Report).findings.map((f) => f.rule)).toContain('exposure.env-tracked');
  });

  it('`keyward --cwd DIR --offline` runs the doctor on DIR', async () => {
    const p = tracked();
    const r = await runCli(['--cwd', p.dir, '--offline', '--no-history'], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(`keyward doctor: ${p.dir}`);
  });

  it('a word that is no command gets the closest command, exit 2', async () => {
    const r = await runCli(['doctr'], { cwd: tempDir() });
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'keyward: unknown command (did you mean doctor?); `keyward --help` lists the commands\n' });
  });
});

describe('bad input: a clear finding or a one-line error, and no file changed', () => {
  it.each([
    ['.env is a folder', (d: string) => mkdirSync(join(d, '.env')), /\.env is a folder/],
    ['.env holds binary data', (d: string) => writeFileSync(join(d, '.env'), Buffer.from([0x4f, 0x3d, 0, 1, 2, 0xff])), /binary/],
    ['.env links to a missing file', (d: string) => symlinkSync(join(d, 'nowhere'), join(d, '.env')), /does not exist/],
  ])('%s', async (_label, setup, note) => {
    const p = makeProject({ name: 'bad-app' });
    setup(p.dir);
    const before = snapshot(p.dir);
    const { code, report } = await doctorJson(p.dir);
    expect(report.checks.find((c) => c.id === 'keys.resolution')!.note).toMatch(note);
    expect(code).toBe(0);
    expect(snapshot(p.dir)).toEqual(before);
  });

  // Root reads any file; as another user a mode-000 .env is really unreadable.
  it.skipIf(process.getuid?.() !== 0)('reports a .env it may not read, as a user without permission', async () => {
    const p = makeProject({ name: 'locked-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'locked')}\n`, 0o000);
    chmodSync(p.dir, 0o755);
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir, uid: 65534, env: { HOME: '/tmp' } });
    const report = JSON.parse(r.stdout) as Report;
    expect(report.checks.find((c) => c.id === 'keys.resolution')).toMatchObject({ status: 'error', note: 'could not read: .env cannot be read (permission denied)' });
    // The scanner could not read it either: the gate fails closed.
    expect(report.findings.map((f) => f.rule)).toContain('exposure.scan-incomplete');
    expect(r.code).toBe(1);
  });

  it('reads a .env with a BOM, CRLF line ends and an unterminated quote', async () => {
    const good = fakeKey('openai-project', 'bom');
    const p = makeProject({ name: 'crlf-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `\uFEFFOPENAI_API_KEY=${good}\r\nANTHROPIC_API_KEY="${fakeKey('anthropic', 'open')}\r\n`, 0o600);
    const before = snapshot(p.dir);
    const { report } = await doctorJson(p.dir);
    expect(report.keys.find((k) => k.provider === 'openai')).toMatchObject({ fingerprint: fingerprint(good), file: '.env' });
    expect(report.findings.find((f) => f.rule === 'missing.malformed')!.title).toMatch(/ANTHROPIC_API_KEY.*quote/);
    expect(snapshot(p.dir)).toEqual(before);
  });

  it('reads a .env that links outside the project, as the app would', async () => {
    const outside = tempDir();
    const key = fakeKey('openai-project', 'outside');
    writeFileSync(join(outside, 'shared.env'), `OPENAI_API_KEY=${key}\n`, { mode: 0o600 });
    const p = makeProject({ name: 'link-app' });
    p.write('.gitignore', '.env\n');
    symlinkSync(join(outside, 'shared.env'), join(p.dir, '.env'));
    const { report } = await doctorJson(p.dir);
    expect(report.keys[0]).toMatchObject({ fingerprint: fingerprint(key), source: 'dotenv' });
  });

  it('works in an empty repository with no commits', async () => {
    const p = makeProject({ name: 'empty-repo' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'empty')}\n`, 0o600);
    const { report } = await doctorJson(p.dir);
    expect(rules(report)).toContain('exposure.env-not-ignored');
    expect(report.checks.find((c) => c.id === 'exposure.env-files')!.note).toMatch(/no commits/);
  });

  it('reports a corrupted .git as a check that could not run and fails closed, not a crash', async () => {
    const p = makeProject({ git: false, name: 'corrupt' });
    p.write('.git/HEAD', 'garbage\n');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'corrupt')}\n`, 0o600);
    const before = snapshot(p.dir);
    const { code, report, stderr } = await doctorJson(p.dir);
    expect(stderr).toBe('');
    expect(report.checks.find((c) => c.id === 'exposure.env-files')!.status).toBe('skip');
    expect(report.findings.filter((f) => f.rule === 'exposure.scan-incomplete').map((f) => f.severity)).toEqual(['high']);
    expect(code).toBe(1);
    expect(snapshot(p.dir)).toEqual(before);
  });

  it('answers --cwd to a missing folder with one line and exit 2', async () => {
    const r = await runCli(['doctor', '--cwd', '/no/such/folder'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no such folder/);
  });
});

describe('package.json "keyward"', () => {
  it('an explicit providers list replaces detection from dependencies', async () => {
    const p = makeProject({ name: 'tool' });
    p.write('package.json', JSON.stringify({ name: 'tool', dependencies: { openai: '1', 'groq-sdk': '1' }, keyward: { providers: ['groq'] } }));
    const { report } = await doctorJson(p.dir);
    expect(report.findings.filter((f) => f.rule === 'missing.key').map((f) => f.title)).toEqual([expect.stringContaining('Groq')]);
  });
});

describe('the doctor runs the exposure scanner', () => {
  it('reports a hardcoded key that is the one in use, a key only in history, and says the .env once', async () => {
    const inUse = fakeKey('openai-project', 'inuse');
    const old = fakeKey('openai-project', 'old');
    const p = makeProject({ name: 'scan-app' });
    p.write('src/old.ts', `export const key = '${old}';\n`);
    const oldCommit = p.commit('old key');
    p.git('rm', '-q', 'src/old.ts');
    p.commit('remove it');
    p.write('src/app.ts', `const client = new OpenAI({ apiKey: "${inUse}" });\n`);
    p.write('.env', `OPENAI_API_KEY=${inUse}\n`, 0o600);
    const { code, report } = await doctorJson(p.dir);
    expect(code).toBe(1);
    const literal = report.findings.find((f) => f.rule === 'exposure.source-literal')!;
    expect(literal).toMatchObject({ location: { file: 'src/app.ts', line: 1 }, secret: { fingerprint: fingerprint(inUse), active: true } });
    const history = report.findings.find((f) => f.rule === 'exposure.history')!;
    expect(history).toMatchObject({ location: { file: 'src/old.ts', commit: oldCommit }, secret: { fingerprint: fingerprint(old), active: false } });
    // The .env is the env-files check's: one finding for it, not a second source-literal.
    expect(report.findings.filter((f) => f.location?.file === '.env').map((f) => f.rule)).toEqual(['exposure.env-not-ignored']);
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['exposure.worktree', 'exposure.history']));

    const noHistory = await doctorJson(p.dir, ['--no-history']);
    expect(noHistory.report.findings.some((f) => f.rule === 'exposure.history')).toBe(false);
  });

  it('says a committed key is the one in use, to rotate first, before saying it is in history too', async () => {
    const key = fakeKey('openai-project', 'committed');
    const p = makeProject({ name: 'committed-app' });
    p.write('package.json', JSON.stringify({ name: 'committed-app', dependencies: { openai: '^6.0.0' } }));
    p.write('src/app.ts', `const client = new OpenAI({ apiKey: "${key}" });\n`);
    const commit = p.commit('add the client');
    const { report } = await doctorJson(p.dir, [], { OPENAI_API_KEY: key });
    const literal = report.findings.find((f) => f.rule === 'exposure.source-literal')!;
    const said = `sk-proj-…${key.slice(-4)} (${fingerprint(key)})`;
    expect([literal.title, literal.detail, literal.secret?.active]).toEqual([
      'Active OpenAI project key hardcoded in src/app.ts',
      `${said} is written in src/app.ts:1, a file git does not ignore: anyone with the code has the key. This is the key the project uses now: rotate it first. It is also in git history since commit ${commit.slice(0, 12)} (src/app.ts), so removing it from the file does not revoke it.`,
      true,
    ]);
  });
});
