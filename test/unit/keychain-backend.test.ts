import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { explainKeychainError, helperEnv, startKeychainHelper } from '../../src/stores/keychain-backend.js';
import { fakeKey } from '../support/keys.js';
import { tempDir } from '../support/repo.js';

describe("the keychain helper's deadline", () => {
  // Stands in for the helper (it is started as `node HELPER`; the script ignores the argument):
  // answers every request, then leaves a mark that the answer is in the pipe.
  const fakeHelper = (dir: string, answer: string): string => {
    const path = join(dir, 'fake-node');
    writeFileSync(path, `#!/bin/sh\necho '{"ready":true}'\nwhile read -r line; do echo '${answer}'; touch '${dir}/answered'; done\n`, { mode: 0o755 });
    return path;
  };

  it('takes an answer that came while keyward was busy past the deadline, instead of calling it a timeout', async () => {
    const dir = tempDir();
    const helper = startKeychainHelper(fakeHelper(dir, '{"id":1,"ok":true,"value":"found"}'), { PATH: process.env.PATH });
    await helper.call(null, 15_000);
    const answer = helper.call({ op: 'get', service: 'keyward', account: 'a' }, 1);
    // This thread stays busy (as a long synchronous scan keeps it) until the answer sits unread in the pipe and the deadline has passed.
    const start = Date.now();
    while (!existsSync(join(dir, 'answered')) || Date.now() - start < 5) if (Date.now() - start > 30_000) throw new Error('the fake helper never answered');
    await expect(answer).resolves.toBe('found');
  });

  it("times each request from when the helper turns to it, so a long queue of lookups is not cut off by the queue's own length", async () => {
    const dir = tempDir();
    // Answers one request at a time, 100 ms each, as a Secret Service on a loaded machine does.
    const slow = join(dir, 'fake-node');
    writeFileSync(slow, `#!/bin/sh\necho '{"ready":true}'\nwhile read -r line; do sleep 0.1; id=$(echo "$line" | sed 's/.*"id":\\([0-9]*\\).*/\\1/'); echo "{\\"id\\":$id,\\"ok\\":true,\\"value\\":\\"v$id\\"}"; done\n`, { mode: 0o755 });
    const helper = startKeychainHelper(slow, { PATH: process.env.PATH });
    await helper.call(null, 15_000);
    // 25 lookups sent at once take 2.5 s in all, past each one's 1.5 s deadline; none takes longer than 0.1 s itself.
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => helper.call({ op: 'get', service: 'keyward', account: `a${i}` }, 1500)));
    expect(answers).toEqual(Array.from({ length: 25 }, (_, i) => `v${i + 1}`));
  });

  it('still gives up on a helper that does not answer', async () => {
    const dir = tempDir();
    const silent = join(dir, 'fake-node');
    writeFileSync(silent, `#!/bin/sh\necho '{"ready":true}'\nexec sleep 60\n`, { mode: 0o755 });
    const helper = startKeychainHelper(silent, { PATH: process.env.PATH });
    await helper.call(null, 15_000);
    await expect(helper.call({ op: 'get', service: 'keyward', account: 'a' }, 50)).rejects.toThrow('keychain call timed out after 50 ms');
  });
});

describe('the keychain helpers of one process', () => {
  it('are watched by one exit listener however many run, and it goes once they have ended', async () => {
    // The doctor across apps, or a test run, may start many helpers in one process; each stays
    // until keyward exits, and one listener per helper once passed Node's limit of ten (a warning).
    const dir = tempDir();
    const script = join(dir, 'fake-node');
    writeFileSync(script, `#!/bin/sh\necho $$ >> '${dir}/pids'\necho '{"ready":true}'\nexec sleep 60\n`, { mode: 0o755 });
    const before = process.listenerCount('exit');
    const helpers = Array.from({ length: 12 }, () => startKeychainHelper(script, { PATH: process.env.PATH }));
    await Promise.all(helpers.map((h) => h.call(null, 15_000)));
    expect(process.listenerCount('exit')).toBeLessThanOrEqual(before + 1);
    const pids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(12);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const start = Date.now();
    while (process.listenerCount('exit') > before) {
      if (Date.now() - start > 10_000) throw new Error(`still ${process.listenerCount('exit')} exit listeners, ${before} before`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(process.listenerCount('exit')).toBe(before);
  });

  it('leaves no exit listener behind for a helper that could not be started', async () => {
    // A module of its own, so no helper another test left running holds the listener already.
    vi.resetModules();
    const fresh = await import('../../src/stores/keychain-backend.js');
    const before = process.listenerCount('exit');
    const helper = fresh.startKeychainHelper(join(tempDir(), 'no-such-node'), { PATH: process.env.PATH });
    expect(process.listenerCount('exit')).toBe(before + 1);
    await expect(helper.call(null, 15_000)).rejects.toThrow(/ENOENT/);
    const start = Date.now();
    while (process.listenerCount('exit') > before) {
      if (Date.now() - start > 10_000) throw new Error(`still ${process.listenerCount('exit')} exit listeners, ${before} before`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(process.listenerCount('exit')).toBe(before);
  });
});

describe('the keychain helper\'s environment', () => {
  it('keeps what reaches the keychain and drops keys and NODE_OPTIONS (which could load keyward/config again)', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/me',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      XDG_RUNTIME_DIR: '/run/user/1000',
      OPENAI_API_KEY: fakeKey('openai-project', 'helper-env'),
      ANTHROPIC_API_KEY: fakeKey('anthropic', 'helper-env'),
      NODE_OPTIONS: '--import=keyward/config',
      SOME_TOKEN: 'x',
    };
    expect(helperEnv(env)).toEqual({ PATH: '/usr/bin', HOME: '/home/me', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus', XDG_RUNTIME_DIR: '/run/user/1000' });
  });
});

describe('what the keychain said, as a reason and a fix', () => {
  const rows: Array<[string, RegExp]> = [
    ["the keychain helper ended (SIGSEGV): (process:1): libsecret-CRITICAL **: secret_value_get_text: assertion 'value' failed", /^the keyring is locked$/],
    ['Cannot create an item in a locked collection', /^the keyring is locked$/],
    ['keychain call timed out after 3000 ms', /^the keychain did not answer within 3 seconds/],
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', /^no D-Bus session/],
    ["Cannot find package '@github/keytar'", /^the keychain library \(@github\/keytar/],
    ['libsecret-1.so.0: cannot open shared object file', /^libsecret is missing$/],
  ];
  it.each(rows)('%s', (message, reason) => {
    expect(explainKeychainError(new Error(message), 'linux').reason).toMatch(reason);
  });

  it('tells how to unlock a locked keyring', () => {
    expect(explainKeychainError(new Error('Cannot create an item in a locked collection'), 'linux').fix).toMatch(/^Unlock it \(e\.g\. log in to the desktop session, or `gnome-keyring-daemon --unlock`/);
  });
});
