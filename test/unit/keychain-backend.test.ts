import { describe, expect, it } from 'vitest';
import { explainKeychainError, helperEnv } from '../../src/stores/keychain-backend.js';
import { fakeKey } from '../support/keys.js';

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
