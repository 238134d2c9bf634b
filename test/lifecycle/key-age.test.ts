import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { stateDirFor } from '../../src/stores/key-records.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, tempDir } from '../support/repo.js';

const DAY = 24 * 60 * 60 * 1000;

function writeRecords(state: string, records: object[]): void {
  mkdirSync(join(state, 'keyward'), { recursive: true });
  writeFileSync(join(state, 'keyward', 'keys.json'), JSON.stringify({ schema: 'keyward.keys/v1', keys: records }));
}

function appWithKey(name: string, key: string, pkg: object = {}) {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, dependencies: { openai: '1' }, ...pkg }));
  p.write('.gitignore', '.env\n');
  p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
  return p;
}

describe('key age', () => {
  it('stateDirFor follows XDG_STATE_HOME, then each platform\'s place', () => {
    expect(stateDirFor({ XDG_STATE_HOME: '/x/state' }, 'linux', '/home/ada')).toBe('/x/state/keyward');
    expect(stateDirFor({ XDG_STATE_HOME: 'relative' }, 'linux', '/home/ada')).toBe('/home/ada/.local/state/keyward');
    expect(stateDirFor({}, 'linux', '/home/ada')).toBe('/home/ada/.local/state/keyward');
    expect(stateDirFor({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/keyward');
    expect(stateDirFor({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Local\\keyward');
  });

  it('setup records the fingerprint, the store and the date in the state folder, never the key, never in the project', async () => {
    const state = tempDir();
    const key = fakeKey('openai-project', 'age-setup');
    const p = makeProject({ name: 'age-setup-app' });
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes', '--skip-test'], { cwd: p.dir, input: key, env: { XDG_STATE_HOME: state } });
    expect(r.code).toBe(0);
    const file = join(state, 'keyward', 'keys.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key);
    const records = (JSON.parse(text) as { keys: Array<Record<string, string>> }).keys;
    expect(records).toEqual([{ provider: 'openai', project: 'age-setup-app', fingerprint: fingerprint(key), store: 'dotenv', storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(Math.abs(Date.parse(records[0]!.storedAt!) - Date.now())).toBeLessThan(10 * 60 * 1000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(p.git('status', '--porcelain', '--ignored')).not.toContain('keys.json');
  });

  it('the doctor reports a key stored longer ago than 90 days, with the date and the rotate command', async () => {
    const state = tempDir();
    const key = fakeKey('openai-project', 'age-old');
    const p = appWithKey('age-old-app', key);
    const storedAt = new Date(Date.now() - 120 * DAY);
    writeRecords(state, [{ provider: 'openai', project: 'age-old-app', fingerprint: fingerprint(key), store: 'dotenv', storedAt: storedAt.toISOString() }]);
    const r = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: p.dir, env: { XDG_STATE_HOME: state } });
    const report = JSON.parse(r.stdout) as Report;
    const f = report.findings.find((x) => x.rule === 'hygiene.key-age');
    expect(f).toMatchObject({ severity: 'low', category: 'hygiene', location: { file: '.env', line: 1 }, secret: { fingerprint: fingerprint(key) } });
    expect(f!.title).toBe(`The OpenAI key in .env line 1 is 120 days old (stored ${storedAt.toISOString().slice(0, 10)})`);
    expect(f!.fix).toMatch(/^Run `keyward rotate --provider openai`/);
    expect(report.checks.find((c) => c.id === 'hygiene.key-age')).toMatchObject({ status: 'fail' });
    // Low severity: the gate (fail-on high) still passes.
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(key);
  });

  it('passes a younger key, follows package.json keyward.rotationDays, and says when the age is unknown', async () => {
    const state = tempDir();
    const key = fakeKey('openai-project', 'age-young');
    const record = { provider: 'openai', project: 'age-young-app', fingerprint: fingerprint(key), store: 'dotenv', storedAt: new Date(Date.now() - 40 * DAY).toISOString() };
    writeRecords(state, [record]);
    const young = appWithKey('age-young-app', key);
    const pass = JSON.parse((await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: young.dir, env: { XDG_STATE_HOME: state } })).stdout) as Report;
    expect(pass.checks.find((c) => c.id === 'hygiene.key-age')).toMatchObject({ status: 'pass' });

    const strict = appWithKey('age-young-app', key, { keyward: { rotationDays: 30 } });
    const fail = JSON.parse((await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: strict.dir, env: { XDG_STATE_HOME: state } })).stdout) as Report;
    expect(fail.findings.find((f) => f.rule === 'hygiene.key-age')?.detail).toMatch(/the rotation period is 30 days/);
    const flag = JSON.parse((await runCli(['doctor', '--offline', '--no-history', '--json', '--rotation-days', '7'], { cwd: young.dir, env: { XDG_STATE_HOME: state } })).stdout) as Report;
    expect(flag.findings.find((f) => f.rule === 'hygiene.key-age')?.detail).toMatch(/the rotation period is 7 days/);
    expect((await runCli(['doctor', '--rotation-days', 'soon'], { cwd: young.dir })).code).toBe(2);

    const unknown = appWithKey('age-unknown-app', fakeKey('openai-project', 'age-unknown'));
    const skip = JSON.parse((await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: unknown.dir, env: { XDG_STATE_HOME: state } })).stdout) as Report;
    expect(skip.checks.find((c) => c.id === 'hygiene.key-age')).toMatchObject({ status: 'skip', note: 'age unknown for 1 key not stored by keyward (setup or rotate records it)' });
  });
});
