import { describe, expect, it } from 'vitest';
import { redact } from '../../src/core/fingerprint.js';
import { KEY, startPty } from '../support/pty.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

const NODE = process.execPath;

function app(name: string, key: string) {
  const p = makeProject({ name });
  p.write('.gitignore', '.env\n');
  p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
  return p;
}

describe('keyward run in a terminal (real pseudo-terminal)', () => {
  it('--mask keeps the child on a terminal (test -t 1, colours) while its key is redacted, and returns its exit code', async () => {
    const key = fakeKey('openai-project', 'pty-mask');
    const p = app('pty-mask-app', key);
    const child = 'if test -t 1; then echo "stdout is a tty"; else echo "stdout is a pipe"; fi; printf "\\033[32mgreen\\033[0m %s\\n" "$OPENAI_API_KEY"; exit 5';
    const s = startPty(['run', '--mask', '--', 'sh', '-c', child], { cwd: p.dir });
    expect(await s.exit).toMatchObject({ code: 5 });
    await s.waitFor('green');
    expect(s.screen()).toContain('stdout is a tty');
    expect(s.screen()).toContain(`green ${redact(key, 'sk-proj-')}`);
    expect(s.raw()).toContain('\x1b[32mgreen\x1b[0m');
    expect(s.raw()).not.toContain(key);
    expect(s.raw()).not.toContain(key.slice(20, 40));
  });

  it('without --mask the child writes to the terminal itself', async () => {
    const p = app('pty-plain-app', fakeKey('openai-project', 'pty-plain'));
    const s = startPty(['run', '--', 'sh', '-c', 'test -t 0 && test -t 1 && echo "both ends are a tty"'], { cwd: p.dir });
    expect(await s.exit).toMatchObject({ code: 0 });
    await s.waitFor('both ends are a tty');
  });

  it.each([
    ['without --mask', []],
    ['with --mask', ['--mask']],
  ])('Ctrl-C reaches the child once, and keyward exits with the code the child chose (%s)', async (_label, flags) => {
    const p = app('pty-int-app', fakeKey('openai-project', 'pty-int'));
    p.write('child.cjs', "let n = 0; process.on('SIGINT', () => { n += 1; console.log('child got SIGINT ' + n); setTimeout(() => process.exit(7), 300); }); console.log('child ready'); setInterval(() => {}, 1000);");
    const s = startPty(['run', ...flags, '--', NODE, 'child.cjs'], { cwd: p.dir });
    await s.waitFor('child ready');
    s.interrupt();
    expect(await s.exit).toMatchObject({ code: 7 });
    await s.waitFor('child got SIGINT 1');
    expect(s.screen()).not.toContain('child got SIGINT 2');
  });

  it('--mask passes typed input to the child', async () => {
    const p = app('pty-input-app', fakeKey('openai-project', 'pty-input'));
    const s = startPty(['run', '--mask', '--', 'sh', '-c', 'printf "name? "; read name; echo "hello $name"'], { cwd: p.dir });
    await s.answer('name?', `ada${KEY.enter}`);
    expect(await s.exit).toMatchObject({ code: 0 });
    await s.waitFor('hello ada');
  });
});
