// Vitest setup: the tests may use only the private keyring that `npm test` (scripts/test.mjs) starts
// in its own D-Bus session with a temporary HOME. Run any other way (plain `vitest` in a desktop
// session), the D-Bus and display variables are dropped before any test starts a process, so no
// test can reach, or autolaunch, the developer's own keyring; the keychain tests then skip.
import { beforeAll } from 'vitest';
import { hasPrivateKeyring } from './keychain.js';

if (!hasPrivateKeyring) {
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
  delete process.env.DISPLAY;
  delete process.env.WAYLAND_DISPLAY;
  if (process.env.CI) beforeAll(() => {
    throw new Error('CI runs the tests through `npm test`, which starts a private D-Bus session and keyring; this run has none.');
  });
}
