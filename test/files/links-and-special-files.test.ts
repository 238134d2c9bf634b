import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, tempDir } from '../support/repo.js';
import { fakeKey } from '../support/keys.js';
import { expectNoKeyIn, filesHolding, runWithin, SETUP, tree } from './helpers.js';

// Files that are not what they seem, made as an attacker or an unlucky user makes them: every
// write lands in a regular file inside the project or is refused with the reason, before any key is written.

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('links out of the project', () => {
  it('refuses a .env linked to a copy of /etc/passwd outside the project: exit 3, the target untouched, no key anywhere', async () => {
    const outside = tempDir();
    const passwd = join(outside, 'passwd');
    copyFileSync('/etc/passwd', passwd);
    chmodSync(passwd, 0o644);
    const before = readFileSync(passwd, 'utf8');
    const p = makeProject({ name: 'link-out-app' });
    symlinkSync(passwd, join(p.dir, '.env'));
    const snap = tree(p.dir);
    const key = fakeKey('openai-project', 'link-out');
    const r = await runWithin(SETUP, p.dir, `${key}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`keyward: .env is a link to ${passwd}, outside the project; keyward writes only inside it Fix: Replace the link with a file.\n`);
    expect(readFileSync(passwd, 'utf8')).toBe(before);
    expect(statSync(passwd).mode & 0o777).toBe(0o644);
    expect(tree(p.dir)).toEqual(snap);
    expect(filesHolding(key, [p.dir, outside])).toEqual([]);
    expectNoKeyIn(r, key);
  });

  it('refuses a .gitignore linked outside the project (git ignores a symlinked .gitignore): the target keeps its bytes and mode 600, no .env', async () => {
    const outside = tempDir();
    const secret = join(outside, 'id_ed25519');
    writeFileSync(secret, 'PRIVATE KEY MATERIAL\n', { mode: 0o600 });
    const p = makeProject({ name: 'gitignore-link-app' });
    symlinkSync(secret, join(p.dir, '.gitignore'));
    const snap = tree(p.dir);
    const key = fakeKey('openai-project', 'gitignore-link');
    const r = await runWithin(SETUP, p.dir, `${key}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'keyward: .gitignore is a link; git does not read a .gitignore that is a symbolic link, so a line added there would not keep the key out of git Fix: Replace the link with a regular .gitignore file (copy its lines), then run setup again.\n',
    );
    expect(readFileSync(secret, 'utf8')).toBe('PRIVATE KEY MATERIAL\n');
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    expect(tree(p.dir)).toEqual(snap);
    expect(filesHolding(key, [p.dir, outside])).toEqual([]);
  });

  it('writes through a .env linked inside the project: the link stays, its target gets the new key, the old one is gone', async () => {
    const p = makeProject({ name: 'link-in-app' });
    const old = fakeKey('openai-project', 'old-in');
    p.write('.gitignore', '/.env\n/config/app.env\n');
    p.write('config/app.env', `# app settings\nOPENAI_API_KEY=${old}\nPORT=3000\n`, 0o600);
    symlinkSync('config/app.env', join(p.dir, '.env'));
    const key = fakeKey('openai-project', 'new-in');
    const r = await runWithin(SETUP, p.dir, `${key}\n`);
    expect(r.code).toBe(0);
    expect(lstatSync(join(p.dir, '.env')).isSymbolicLink()).toBe(true);
    expect(tree(p.dir)).toEqual({
      '.env': 'link -> config/app.env',
      '.env.example': 'file 644 OPENAI_API_KEY=\n',
      '.gitignore': 'file 644 /.env\n/config/app.env\n',
      config: 'dir 755',
      'config/app.env': `file 600 # app settings\nOPENAI_API_KEY=${key}\nPORT=3000\n`,
      'package.json': 'file 644 {\n  "name": "link-in-app",\n  "version": "1.0.0"\n}\n',
    });
    expect(filesHolding(old, [p.dir])).toEqual([]);
    expect(filesHolding(key, [p.dir], [join(p.dir, 'config/app.env')])).toEqual([]);
    expectNoKeyIn(r, key);
  });

  it('refuses --dotenv-file ../outside.env before anything is written, and a line break in it with exit 2', async () => {
    const p = makeProject({ name: 'outside-flag-app' });
    const snap = tree(p.dir);
    const key = fakeKey('openai-project', 'outside-flag');
    const r = await runWithin([...SETUP, '--dotenv-file', '../outside.env'], p.dir, `${key}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`keyward: ../outside.env is outside the project (${p.dir}); keyward writes only inside it Fix: Pass a path inside the project.\n`);
    expect(existsSync(join(p.dir, '..', 'outside.env'))).toBe(false);
    const nl = await runWithin([...SETUP, '--dotenv-file', '.env\n.env.local'], p.dir, `${key}\n`);
    expect(nl.code).toBe(2);
    expect(nl.stderr).toBe('keyward: --dotenv-file holds a line break Fix: Pass one file name, like --dotenv-file .env.local.\n');
    expect(tree(p.dir)).toEqual(snap);
    expect(filesHolding(key, [p.dir])).toEqual([]);
  });

  it('--dotenv-file .env.local creates the file that does not exist yet (node would exit 9 on --env-file)', async () => {
    const p = makeProject({ name: 'local-env-app' });
    const key = fakeKey('openai-project', 'local');
    const r = await runWithin([...SETUP, '--dotenv-file', '.env.local'], p.dir, `${key}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(tree(p.dir)).toEqual({
      '.env.local': `file 600 OPENAI_API_KEY=${key}\n`,
      '.env.example': 'file 644 OPENAI_API_KEY=\n',
      '.gitignore': 'file 644 /.env.local\n',
      'package.json': 'file 644 {\n  "name": "local-env-app",\n  "version": "1.0.0"\n}\n',
    });
    // --env-file still works where node lets it through: the file exists.
    const again = fakeKey('openai-project', 'local-again');
    expect((await runWithin([...SETUP, '--env-file', '.env.local'], p.dir, `${again}\n`)).code).toBe(0);
    expect(readFileSync(join(p.dir, '.env.local'), 'utf8')).toBe(`OPENAI_API_KEY=${again}\n`);
    const missingFolder = await runWithin([...SETUP, '--dotenv-file', 'conf/.env'], p.dir, `${key}\n`);
    expect(missingFolder.code).toBe(3);
    expect(missingFolder.stderr).toBe('keyward: the folder of conf/.env does not exist Fix: Create conf first, or pass another path.\n');
    expect(existsSync(join(p.dir, 'conf'))).toBe(false);
  });
});

describe('special files under the names keyward reads', () => {
  const NAMES = ['.env', 'package.json', '.env.example', '.keywardignore', '.keyward-baseline'];

  for (const name of NAMES) {
    it(`a FIFO named ${name} hangs none of doctor, scan and setup`, async () => {
      const p = makeProject();
      p.write('app.js', "import OpenAI from 'openai';\n");
      mkfifo(join(p.dir, name));
      const doctor = await runWithin(['doctor', '--offline', '--no-history', '--json'], p.dir);
      expect([0, 1]).toContain(doctor.code);
      expect(JSON.parse(doctor.stdout)).toHaveProperty('schema', 'keyward.report/v1');
      const scan = await runWithin(['scan'], p.dir);
      expect(scan.code).toBe(0);
      const key = fakeKey('openai-project', `fifo-${name}`);
      const setup = await runWithin(SETUP, p.dir, `${key}\n`);
      if (name === '.env' || name === '.env.example') {
        expect(setup.code).toBe(3);
        expect(setup.stderr).toBe(`keyward: ${name} is not a regular file (a FIFO, device or socket) Fix: Remove it, or pass another path.\n`);
        expect(filesHolding(key, [p.dir])).toEqual([]);
      } else {
        expect(setup.stderr).toBe('');
        expect(setup.code).toBe(0);
        expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
      }
      expect(lstatSync(join(p.dir, name)).isFIFO()).toBe(true);
      expectNoKeyIn(setup, key);
    });
  }

  it('a FIFO as the pre-commit hook: hook install exits 3 with the reason instead of hanging', async () => {
    const p = makeProject();
    mkdirSync(join(p.dir, '.git/hooks'), { recursive: true });
    mkfifo(join(p.dir, '.git/hooks/pre-commit'));
    const r = await runWithin(['hook', 'install'], p.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`keyward: ${join(p.dir, '.git/hooks/pre-commit')} is not a regular file (a FIFO, device or socket) Fix: Remove it.\n`);
    expect(lstatSync(join(p.dir, '.git/hooks/pre-commit')).isFIFO()).toBe(true);
  });

  it('.env -> /dev/zero: doctor reports it unread, setup refuses it, --dotenv-file /dev/zero is refused', async () => {
    const p = makeProject();
    p.write('app.js', "import OpenAI from 'openai';\n");
    symlinkSync('/dev/zero', join(p.dir, '.env'));
    const doctor = await runWithin(['doctor', '--offline', '--no-history', '--json'], p.dir);
    expect(doctor.code).toBe(0);
    const report = JSON.parse(doctor.stdout) as { checks: Array<{ id: string; note?: string }> };
    expect(report.checks.find((c) => c.id === 'keys.resolution')?.note).toBe('could not read: .env is not a regular file');
    const key = fakeKey('openai-project', 'zero');
    const setup = await runWithin(SETUP, p.dir, `${key}\n`);
    expect(setup.code).toBe(3);
    expect(setup.stderr).toBe('keyward: .env is a link to /dev/zero, outside the project; keyward writes only inside it Fix: Replace the link with a file.\n');
    const flag = await runWithin([...SETUP, '--dotenv-file', '/dev/zero'], p.dir, `${key}\n`);
    expect(flag.code).toBe(3);
    expect(flag.stderr).toBe(`keyward: /dev/zero is outside the project (${p.dir}); keyward writes only inside it Fix: Pass a path inside the project.\n`);
    expect(tree(p.dir)).toEqual({ '.env': 'link -> /dev/zero', 'app.js': "file 644 import OpenAI from 'openai';\n" });
  });
});

describe('report files go where the user pointed, never replacing what is there', () => {
  it('--sarif /dev/stdout writes the SARIF to standard output (a socket here), then the text report', async () => {
    const p = makeProject();
    p.write('a.txt', 'nothing here\n');
    const r = await runWithin(['scan', '--sarif', '/dev/stdout'], p.dir);
    expect(r.code).toBe(0);
    const end = r.stdout.indexOf('\n}\n') + 3;
    expect(JSON.parse(r.stdout.slice(0, end))).toHaveProperty('version', '2.1.0');
    expect(r.stdout.slice(end)).toMatch(/^keyward scan: .*\n[\s\S]*No problems found\n$/);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('--sarif /dev/stdout with standard output redirected to a file keeps what was written before', async () => {
    const p = makeProject();
    const out = join(tempDir(), 'out.txt');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('sh', ['-c', `"$0" "$1" scan --json --sarif /dev/stdout > "$2"`, process.execPath, join(import.meta.dirname, '../../bin/keyward.js'), out], {
        cwd: p.dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
        timeout: 60_000,
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const [sarif, json] = text.split(/\n(?=\{)/);
    expect(JSON.parse(json!)).toHaveProperty('schema', 'keyward.report/v1');
    expect(JSON.parse(sarif!)).toHaveProperty('version', '2.1.0');
  });

  it('--sarif to a FIFO with a reader delivers the report; with no reader it fails at once instead of hanging', async () => {
    const p = makeProject();
    const dir = tempDir();
    const fifo = join(dir, 'report.fifo');
    mkfifo(fifo);
    const noReader = await runWithin(['scan', '--sarif', fifo], p.dir);
    expect(noReader.code).toBe(3);
    expect(noReader.stderr).toBe(`keyward: cannot write ${fifo}: no program is reading that FIFO Fix: Pass a path you can write to.\n`);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (d: string) => (got += d));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    // The reader opens the FIFO when it runs; until then keyward sees no reader, so it tries again.
    let r = await runWithin(['scan', '--sarif', fifo], p.dir);
    for (let i = 0; i < 20 && r.code === 3; i++) r = await runWithin(['scan', '--sarif', fifo], p.dir);
    expect(r.code).toBe(0);
    await readerDone;
    expect(JSON.parse(got)).toHaveProperty('version', '2.1.0');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('--sarif /nonexistent/x fails with the missing folder and creates nothing at /', async () => {
    const p = makeProject();
    const r = await runWithin(['scan', '--sarif', '/nonexistent-keyward/x.sarif'], p.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('keyward: cannot write /nonexistent-keyward/x.sarif: the folder /nonexistent-keyward does not exist Fix: Create it first, or pass a path in an existing folder.\n');
    expect(existsSync('/nonexistent-keyward')).toBe(false);
    const md = await runWithin(['doctor', '--offline', '--no-history', '--markdown', '/nonexistent-keyward/r.md'], p.dir);
    expect(md.code).toBe(3);
    expect(existsSync('/nonexistent-keyward')).toBe(false);
  });

  it('--markdown through a link writes the target and keeps the link', async () => {
    const p = makeProject();
    const dir = tempDir();
    writeFileSync(join(dir, 'real.md'), 'old\n');
    symlinkSync(join(dir, 'real.md'), join(dir, 'link.md'));
    const r = await runWithin(['doctor', '--offline', '--no-history', '--markdown', join(dir, 'link.md')], p.dir);
    expect(r.code).toBe(0);
    expect(lstatSync(join(dir, 'link.md')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.md'), 'utf8')).toMatch(/^## keyward doctor: /);
  });
});
