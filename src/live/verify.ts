import type { Finding, Liveness } from '../core/finding.js';
import type { Env } from '../core/io.js';
import type { ProgressSink } from '../core/progress.js';
import { Secret } from '../core/secret.js';
import { findProvider, redactionPrefix, type Provider } from '../providers/index.js';
import { recoverKeys, type KeySourceIO } from './recover.js';
import { describeRequest, runLiveCall, type LiveDeps } from './runner.js';
import type { LiveTarget } from './types.js';

/** What the free auth call said of one key, and in words why. */
export interface Verdict {
  live: Liveness;
  /** `GET /models answered 200`, `no free check for Perplexity`, the failure's title. */
  reason: string;
  /**
   * A known key the API refused all the same: `closed` when the API is not open to it (off in its
   * project, outside its API restrictions), `restricted` when the call came from outside the key's
   * sites, apps or addresses. It decides what a browser key's finding says.
   */
  access?: 'closed' | 'restricted';
}

/** The id of the verification's entry in the report's `checks`. */
export const EXPOSURE_LIVE_CHECK = 'exposure.live';

/** Auth calls in flight at once: a history full of keys must not look like an attack to the provider. */
export const VERIFY_CONCURRENCY = 4;

/** Failures that prove the provider knows the key: it works, only not from here or not for this call. */
const KNOWN_KEY_RULES = new Set(['permission.missing-scope', 'permission.ip-not-allowed']);

/** `KEYWARD_VERIFY_BASE_URL_OPENAI`, `KEYWARD_VERIFY_BASE_URL_AZURE_OPENAI`. */
export function verifyOverrideVariable(provider: Provider): string {
  return `KEYWARD_VERIFY_BASE_URL_${provider.id.toUpperCase().replace(/-/g, '_')}`;
}

function isLoopback(raw: string): boolean {
  try {
    const url = new URL(raw);
    return /^https?:$/.test(url.protocol) && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/**
 * Where a leaked key may be sent: the registry's base URL, and nothing the project can set. A
 * leaked key is someone else's secret to the project under scan, so OPENAI_BASE_URL and the like
 * are never read here (a hostile repository's `.env` or CI settings would receive every key the
 * scan finds). The one override is keyward's own variable from keyward's own environment, which
 * no project file reaches (`keyward run` and `keyward/config` hand over key variables only), and
 * it must point at this machine: it exists for tests against a server on 127.0.0.1.
 */
export function verifyBaseUrl(provider: Provider, env: Env): string | null {
  const override = env[verifyOverrideVariable(provider)];
  if (override && isLoopback(override)) return override;
  return provider.api.baseURL;
}

/** One key's verdict from its provider's free auth call; never more than that call. */
async function verifyKey(secret: Secret, provider: Provider, env: Env, deps: LiveDeps, timeoutMs: number): Promise<Verdict> {
  const baseURL = verifyBaseUrl(provider, env);
  if (!provider.api.authPath) return { live: 'unknown', reason: `${provider.name} has no free call that checks a key` };
  if (!baseURL) return { live: 'unknown', reason: `${provider.name} keys are checked at their own resource's endpoint, which a leaked key does not name` };
  const target: LiveTarget = { provider, key: secret, origin: null, baseURL, model: provider.api.defaultModel, timeoutMs, organization: null, project: null };
  const { call, finding } = await runLiveCall('auth', target, deps);
  if (call.ok) return { live: 'live', reason: `${describeRequest('auth', target)} answered ${call.status}` };
  if (finding?.rule === 'permission.invalid-key') return { live: 'revoked', reason: `${describeRequest('auth', target)} answered ${call.status ?? 'no status'}` };
  if (finding && KNOWN_KEY_RULES.has(finding.rule)) return { live: 'live', reason: finding.title, access: finding.rule === 'permission.missing-scope' ? 'closed' : 'restricted' };
  return { live: 'unknown', reason: finding?.title ?? 'no answer' };
}

/** Runs `fn` on every item, at most `limit` at once, results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next;
      next += 1;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What verifying the exposed keys needs: where to read them again, where to call, how long to wait. */
export interface VerifyIO extends KeySourceIO {
  /** keyward's own environment: only the KEYWARD_VERIFY_BASE_URL_* override is read from it. */
  env: Env;
  deps: LiveDeps;
  timeoutMs: number;
  /** Told how many of the keys have been checked. */
  progress?: ProgressSink;
}

/** How many exposed keys got each verdict. */
export type VerdictCounts = Record<Liveness, number>;

/**
 * A browser key's verdict (a Firebase or Maps key, see providers/public-use): the question is not
 * whether Google knows the key, which is public by design, but whether it reaches the provider.
 */
function browserVerdict(f: Finding, v: Verdict, name: string): Finding | null {
  if (f.secret?.kind !== 'browser' || v.live !== 'live') return null;
  const secret = { ...f.secret, live: v.live };
  if (v.access === 'closed') {
    return {
      ...f,
      severity: 'low',
      title: `${f.title}: cannot call ${name} now`,
      detail: `${f.detail} ${name} refused it just now (${v.reason}): today the key does not reach it; it would once the API were on and open to the key.`,
      fix: `Nothing urgent: keep the Generative Language API out of the key's API restrictions (Google Cloud console, APIs & Services → Credentials), so that turning it on for another app in the project does not open ${name} to this key.`,
      secret,
    };
  }
  if (v.access === 'restricted') {
    return {
      ...f,
      detail: `${f.detail} ${name} refused the call because it came from outside the key's sites or apps (${v.reason}); a forged Referer header passes such a restriction, so the key's API restrictions are what keep ${name} out.`,
      secret,
    };
  }
  return {
    ...f,
    severity: 'critical',
    title: `${f.title}: it calls ${name}, restrict it now`,
    detail: `${f.detail} ${name} accepted it just now (${v.reason}): anyone who reads the page or app it ships in can call ${name} on your account.`,
    fix: `Restrict it now: in the Google Cloud console (APIs & Services → Credentials), take the Generative Language API out of what the key may call (or turn that API off in the project, if nothing there uses it). If the project's billing shows ${name} use you did not make, create a new key and delete this one.`,
    secret,
  };
}

function withVerdict(f: Finding, v: Verdict): Finding {
  if (!f.secret) return f;
  const p = findProvider(f.secret.provider);
  const name = p?.name ?? f.secret.provider;
  const browser = browserVerdict(f, v, name);
  if (browser) return browser;
  const secret = { ...f.secret, live: v.live };
  if (v.live === 'live') {
    return {
      ...f,
      title: `${f.title}: live, revoke it now`,
      detail: `${f.detail} ${name} accepted the key just now (${v.reason}): anyone who has it can use it.`,
      fix: `Revoke it now at ${p?.dashboard.revoke ?? 'the provider dashboard'}. ${f.fix}`,
      secret,
    };
  }
  if (v.live === 'revoked') {
    const history = f.rule === 'exposure.history';
    return {
      ...f,
      ...(history ? { severity: 'low' as const } : {}),
      title: `${f.title}: already revoked`,
      detail: `${f.detail} ${name} rejected the key just now (${v.reason}): it is already revoked.`,
      fix: history
        ? 'Nothing to rotate: the key is already revoked. Rewrite history only if your policy asks for it (git filter-repo --replace-text).'
        : `Nothing to rotate: the key is already revoked. Remove it from ${f.location?.file ?? 'the file'} so the next key does not leak the same way.`,
      secret,
    };
  }
  return { ...f, detail: `${f.detail} Whether the key still works could not be checked (${v.reason}); treat it as live.`, secret };
}

/**
 * `scan --verify` and the online doctor: each exposed key (once per fingerprint, a few at a time)
 * gets its provider's free auth call. A live key says "revoke it now"; a revoked one in history
 * drops to low; an unknown one keeps its severity.
 */
export async function verifyExposedKeys(findings: readonly Finding[], io: VerifyIO): Promise<{ findings: Finding[]; counts: VerdictCounts }> {
  const exposed = findings.filter((f) => f.category === 'exposure' && f.secret);
  const values = await recoverKeys(exposed, io);
  const unique = [...new Map(exposed.map((f) => [f.secret!.fingerprint, f.secret!.provider])).entries()];
  const verdicts = new Map<string, Verdict>();
  io.progress?.({ step: 'calls', done: 0, total: unique.length });
  await mapLimit(unique, VERIFY_CONCURRENCY, async ([fp, providerId]) => {
    const provider = findProvider(providerId);
    const value = values.get(fp);
    const verdict: Verdict = !provider
      ? { live: 'unknown', reason: `keyward has no entry for ${providerId}` }
      : value === undefined
        ? { live: 'unknown', reason: 'the key could not be read again from where it was found' }
        : await verifyKey(new Secret(value, redactionPrefix(value, provider)), provider, io.env, io.deps, io.timeoutMs);
    verdicts.set(fp, verdict);
    io.progress?.({ step: 'calls', done: verdicts.size, total: unique.length });
  });
  const counts: VerdictCounts = { live: 0, revoked: 0, unknown: 0 };
  for (const v of verdicts.values()) counts[v.live] += 1;
  return { findings: findings.map((f) => (f.secret && verdicts.has(f.secret.fingerprint) && f.category === 'exposure' ? withVerdict(f, verdicts.get(f.secret.fingerprint)!) : f)), counts };
}

/** The report's line for the verification: `2 exposed keys checked: 1 live, 1 revoked`. */
export function describeVerdicts(counts: VerdictCounts): string {
  const total = counts.live + counts.revoked + counts.unknown;
  const parts = (['live', 'revoked', 'unknown'] as const).filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k === 'unknown' ? 'could not be checked' : k}`);
  return `${total} exposed key${total === 1 ? '' : 's'} checked with the provider's free auth call${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}
