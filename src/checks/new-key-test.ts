import type { Env } from '../core/io.js';
import type { CallReport } from '../core/report.js';
import type { Secret } from '../core/secret.js';
import type { Provider } from '../providers/index.js';
import type { CallResult } from '../live/runner.js';
import type { CallName, LiveTarget } from '../live/types.js';
import { liveTargetFor } from './live-target.js';

/** A new key's calls wait longer than the doctor's: the person is watching, and a slow first answer is not a broken key. */
export const NEW_KEY_TIMEOUT_MS = 20_000;

/** The live test of a key just given (typed or piped, not yet stored), shared by setup and rotate. */
export interface NewKeyTest {
  /** The base URL the calls go to; null when the provider has no API keyward can call. */
  endpoint(provider: Provider): string | null;
  /**
   * Runs `names` for `key`, through the environment's proxy, and closes the connections after; null when there is no endpoint.
   * `given` says how the key arrived, for the findings' words ("the key you pasted").
   */
  run(provider: Provider, key: Secret, names: readonly CallName[], onCall?: (call: CallReport) => void, given?: 'pasted' | 'stdin'): Promise<CallResult[]> | null;
}

/**
 * The new-key test with the proxy and base URLs of `env`. `badProxy` turns a proxy variable that is
 * not a URL into the caller's error; without it the transport's own error is thrown.
 */
export function newKeyTest(env: Env, now: () => Date, badProxy?: () => Error, timeoutMs = NEW_KEY_TIMEOUT_MS): NewKeyTest {
  const target = (provider: Provider): LiveTarget | null => liveTargetFor(provider, null, env, { timeoutMs });
  return {
    endpoint: (provider) => target(provider)?.baseURL ?? null,
    run(provider, key, names, onCall, given = 'pasted') {
      const base = target(provider);
      if (!base) return null;
      return (async () => {
        // Loaded here, not at start-up: the SDK and undici cost more than the wizard's first question.
        const [{ runLiveCalls }, { createLiveDeps }] = await Promise.all([import('../live/runner.js'), import('./live-deps.js')]);
        let liveDeps;
        try {
          liveDeps = createLiveDeps(env, now);
        } catch (error) {
          throw badProxy ? badProxy() : error;
        }
        try {
          const origin = { variable: provider.envVars[0]!, source: given, file: null, shadows: [] };
          return await runLiveCalls(names, { ...base, key, origin }, liveDeps, ({ result }) => {
            if (result) onCall?.(result.call);
          });
        } finally {
          await liveDeps.transport.close();
        }
      })();
    },
  };
}
