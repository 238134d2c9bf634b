import type { Env } from '../core/io.js';
import type { Provider } from '../providers/index.js';
import type { LiveTarget } from '../live/types.js';
import type { ResolvedKey } from '../stores/types.js';

// Apart from live-calls.ts, which loads the SDK and undici: the wizard needs the target before any call is made.

/** What `keyward test` may change about a call; the doctor uses the defaults. */
export interface LiveOverrides {
  baseURL?: string;
  model?: string;
  timeoutMs: number;
}

/** The base URL of a test call: `--base-url`, else the provider's variable (`OPENAI_BASE_URL`), else the registry's; null when none. */
export function baseUrlFor(provider: Provider, env: Env, override?: string): string | null {
  if (override) return override;
  const fromEnv = provider.api.baseUrlEnv ? env[provider.api.baseUrlEnv]?.trim() : undefined;
  return fromEnv || provider.api.baseURL;
}

/**
 * The target of the test calls for one provider, from its resolved key (null: no key configured);
 * null when there is no base URL to call (Azure without an endpoint, providers without an API).
 */
export function liveTargetFor(provider: Provider, resolved: ResolvedKey | null, env: Env, overrides: LiveOverrides): LiveTarget | null {
  const baseURL = baseUrlFor(provider, env, overrides.baseURL);
  if (!baseURL) return null;
  const header = (variable: string): LiveTarget['organization'] => {
    const value = env[variable]?.trim();
    return provider.id === 'openai' && value ? { variable, value } : null;
  };
  const winner = resolved?.winner;
  return {
    provider,
    key: winner && winner.secret.length > 0 ? winner.secret : null,
    origin: winner
      ? { variable: winner.variable, source: winner.source, file: winner.file, shadows: (resolved?.shadowed ?? []).map((s) => ({ source: s.source, file: s.file })) }
      : null,
    baseURL,
    model: overrides.model ?? provider.api.defaultModel,
    timeoutMs: overrides.timeoutMs,
    // The SDK adds these headers from the environment; the app's calls carry them too.
    organization: header('OPENAI_ORG_ID'),
    project: header('OPENAI_PROJECT_ID'),
  };
}
