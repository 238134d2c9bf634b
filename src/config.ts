/**
 * `import 'keyward/config'`: fills `process.env` with the project's keys before the app's own
 * code runs, so `new OpenAI()` finds its key. keyward's order (design.md): a variable already set
 * is never overridden, then the OS keychain, then the `.env*` files of the project in
 * `process.cwd()`. A missing or locked keychain never stops the app: the `.env` files still count,
 * and with KEYWARD_DEBUG set one line on stderr says why the keychain was skipped. No key is
 * ever printed.
 */
import { loadKeys } from './run/keys.js';
import { createKeychainOpener } from './stores/keychain-backend.js';

try {
  const keys = await loadKeys({ root: process.cwd(), env: process.env, keychain: createKeychainOpener({ platform: process.platform, env: process.env, node: process.execPath }), platform: process.platform });
  for (const [variable, secret] of Object.entries(keys.inject)) {
    if (process.env[variable] === undefined) process.env[variable] = secret.reveal();
  }
  if (!keys.keychain.usable && process.env.KEYWARD_DEBUG) {
    process.stderr.write(`keyward/config: the keychain was not read (${keys.keychain.problem.reason}); keys come from the environment and .env files.\n`);
  }
} catch (error) {
  // An app must start even when keyward cannot read the project; it then sees only its own environment.
  if (process.env.KEYWARD_DEBUG) {
    const { scrubKeys } = await import('./providers/scrub.js');
    process.stderr.write(`keyward/config: no keys loaded: ${scrubKeys(error instanceof Error ? error.message : String(error))}\n`);
  }
}
