import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { Env } from '../core/io.js';

/** The fetch signature the SDK calls; kept structural so a test can pass its own. */
export type LiveFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How live calls reach the network: the fetch, the dispatcher it is given, and which proxy a URL goes through. */
export interface Transport {
  fetch: LiveFetch;
  dispatcher: Dispatcher | undefined;
  /** The proxy used for `url` with credentials removed, or null when the connection is direct. */
  proxyFor(url: string): string | null;
  close(): Promise<void>;
}

function pick(env: Env, ...names: string[]): string {
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

/** `http://user:pass@host:3128` -> `http://host:3128`: a proxy's password is a secret too. */
function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable proxy URL)';
  }
}

/** NO_PROXY as undici reads it: `*`, host names (with or without a leading dot) and `host:port`. */
function bypassed(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name = '', p] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (p && p !== port) return false;
      const bare = name.replace(/^\*?\./, '');
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/**
 * The real transport: undici's fetch with an `EnvHttpProxyAgent`, because Node's built-in fetch
 * ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY. The proxy variables come from `env`, not the process.
 */
export function createTransport(env: Env): Transport {
  const httpProxy = pick(env, 'http_proxy', 'HTTP_PROXY');
  const httpsProxy = pick(env, 'https_proxy', 'HTTPS_PROXY') || httpProxy;
  const noProxy = pick(env, 'no_proxy', 'NO_PROXY');
  // Empty strings, not undefined: undefined would make undici read process.env itself.
  const dispatcher = new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy });
  return {
    fetch: undiciFetch as unknown as LiveFetch,
    dispatcher,
    proxyFor(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return null;
      }
      const proxy = url.protocol === 'https:' ? httpsProxy : httpProxy;
      if (!proxy || bypassed(url, noProxy)) return null;
      return withoutCredentials(proxy);
    },
    close: () => dispatcher.close(),
  };
}
