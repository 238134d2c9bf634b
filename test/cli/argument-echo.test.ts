import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

/** No twelve consecutive characters of the key, anywhere. */
function expectNoSlice(r: CliResult, key: string): void {
  const out = r.stdout + r.stderr;
  for (let i = 0; i + 12 <= key.length; i += 1) expect(out).not.toContain(key.slice(i, i + 12));
}

// A key pasted into the wrong place on the command line comes back as a name, never as itself:
// prefix-less keys (Mistral's 32 letters and digits) cannot be recognised by their shape.
describe('argument values are named, never echoed', () => {
  const mistral = fakeKey('mistral', 'argv');
  const openai = fakeKey('openai-project', 'argv');

  const cases: Array<{ name: string; args: (key: string) => string[]; says: string }> = [
    { name: 'test --provider <key>', args: (k) => ['test', '--provider', k], says: 'keyward: unknown provider given to --provider Fix: Use one of:' },
    { name: 'doctor --provider <key>', args: (k) => ['doctor', '--offline', '--provider', k], says: 'keyward: unknown provider given to --provider Fix: Use one of:' },
    { name: 'setup --provider <key>', args: (k) => ['setup', '--provider', k, '--key-stdin', '--store', 'dotenv'], says: 'keyward: unknown provider given to --provider' },
    { name: 'run --provider <key>', args: (k) => ['run', '--provider', k, '--', 'true'], says: 'keyward: unknown provider given to --provider' },
    { name: 'rotate --provider <key>', args: (k) => ['rotate', '--provider', k], says: 'keyward: unknown provider given to --provider' },
    { name: 'an unknown command', args: (k) => [k], says: 'keyward: unknown command; `keyward --help` lists the commands' },
    { name: 'an unknown command with flags', args: (k) => [k, '--json'], says: 'keyward: unknown command; `keyward --help` lists the commands' },
    { name: '--cwd <key>', args: (k) => ['--cwd', k, 'doctor'], says: 'keyward: --cwd: no such folder Fix: Pass an existing project folder.' },
    { name: '--cwd=<key>', args: (k) => [`--cwd=${k}`, 'scan'], says: 'keyward: --cwd: no such folder' },
    { name: 'scan <key> (a file name that does not exist)', args: (k) => ['scan', k], says: 'keyward: the PATH given to scan: no such file or folder' },
    { name: '--fail-on <key>', args: (k) => ['scan', '--fail-on', k], says: "keyward: invalid value for --fail-on <level>: expected one of" },
    { name: '--store <key>', args: (k) => ['setup', '--store', k], says: "keyward: invalid value for --store <where>: Allowed choices are keychain, dotenv." },
    { name: 'hook <key>', args: (k) => ['hook', k], says: "keyward: invalid value for action: Allowed choices are install, uninstall." },
    { name: 'a stray argument', args: (k) => ['doctor', k], says: "keyward: too many arguments for 'doctor'. Expected 0 arguments but got 1." },
    { name: 'test --timeout <key>', args: (k) => ['test', '--provider', 'openai', '--timeout', k], says: 'keyward: --timeout: not a number of seconds' },
    { name: 'test --base-url <key>', args: (k) => ['test', '--provider', 'openai', '--base-url', k], says: 'keyward: --base-url: not an http(s) URL' },
    { name: 'run <key> without --', args: (k) => ['run', k], says: 'keyward: put the command after `--` Fix: keyward\'s own options go before `--`, the command\'s after it: keyward run -- COMMAND [ARG...].' },
  ];

  for (const [label, key] of [['Mistral', mistral], ['OpenAI', openai]] as const) {
    it.each(cases)(`$name (${label} key)`, async ({ args, says }) => {
      const p = makeProject({ name: 'argv-app' });
      const r = await runCli(args(key), { cwd: p.dir });
      expectNoSlice(r, key);
      expect(r.stderr.startsWith(says), r.stderr).toBe(true);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.code).toBe(2);
    });
  }

  it.each([
    ['a --markdown file named after a key, in a missing folder', (k: string) => ['doctor', '--offline', '--markdown', `nowhere/${k}.md`]],
    ['a --sarif file named after a key, where a file blocks the folder', (k: string) => ['doctor', '--offline', '--sarif', `package.json/${k}.sarif`]],
  ])('%s: the error names no part of the key', async (_label, args) => {
    for (const key of [mistral, openai]) {
      const p = makeProject({ name: 'argv-app' });
      const r = await runCli(args(key), { cwd: p.dir });
      expectNoSlice(r, key);
      expect(r.stderr).toMatch(/^keyward: cannot write /);
      expect(r.code).toBe(3);
    }
  });

  it('an unknown option is named when it can only be an option name, with the suggestion', async () => {
    const r = await runCli(['scan', '--josn'], { cwd: makeProject().dir });
    expect(r.stderr).toBe("keyward: unknown option '--josn' (did you mean --json?)\n");
    expect(r.code).toBe(2);
  });

  it('a mistyped command still gets its suggestion', async () => {
    const r = await runCli(['doctr'], { cwd: makeProject().dir });
    expect(r.stderr).toBe('keyward: unknown command (did you mean doctor?); `keyward --help` lists the commands\n');
    expect(r.code).toBe(2);
  });
});
