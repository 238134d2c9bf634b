import type { RuleId } from '../core/rules.js';
import type { Secret } from '../core/secret.js';
import type { Severity } from '../core/severity.js';
import type { Provider } from '../providers/index.js';
import { readErrorBody, readErrorValue, type ServerError } from './body.js';
import { formatDuration, parseResetDuration, parseRetryAfter } from './durations.js';
import { redactEcho, scrubMessage } from './scrub.js';
import type { CallName, Failure, HeaderOrigin, KeyOrigin } from './types.js';

/** What a failed call means: the fields of a `permission.*` finding (or `missing.*` for client-side causes). */
export interface Diagnosis {
  rule: RuleId;
  /** Set only where it differs from the rule's default. */
  severity?: Severity;
  title: string;
  detail: string;
  fix: string;
}

/** Everything the classifier may use besides the failure itself; pure data, no IO. */
export interface ClassifyContext {
  provider: Provider;
  call: CallName;
  /** `GET /models`, `POST /chat/completions`: shown in titles. */
  request: string;
  baseURL: string;
  model: string;
  timeoutMs: number;
  key: Secret | null;
  origin: KeyOrigin | null;
  organization: HeaderOrigin | null;
  project: HeaderOrigin | null;
  /** The proxy the call went through (credentials removed), or null for a direct connection. */
  proxy: string | null;
  now: Date;
}

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
  'organization_usage_limit_exceeded',
]);

/** Scopes whose absence blocks only the model listing, so inference still works. */
const LISTING_SCOPES = new Set(['api.model.read', 'model.read']);

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO|UNABLE_TO_GET_ISSUER/;

/** Decides what a failed call means from what the server said (body first, then status). */
export function classifyFailure(failure: Failure, ctx: ClassifyContext): Diagnosis {
  switch (failure.kind) {
    case 'no-key':
      return {
        rule: 'missing.key',
        title: `No ${ctx.provider.name} key to test`,
        detail: `None of ${ctx.provider.envVars.join(', ')} is set in the environment, a .env file or the keychain, so no call was made.`,
        fix: `Run \`keyward setup --provider ${ctx.provider.id}\`, or set ${ctx.provider.envVars[0]} (check that your .env file is loaded).`,
      };
    case 'key-charset':
      return keyCharset(failure.index, ctx);
    case 'bad-base-url':
      return notAUrl(ctx);
    case 'timeout':
      return timeout(failure.stage, ctx);
    case 'connection':
      return connection(failure.codes, failure.messages, ctx);
    case 'unexpected':
      return {
        rule: 'permission.server',
        title: `${ctx.provider.name}'s answer to ${ctx.request} could not be read`,
        detail: `The call failed on the client side: ${clip(scrubMessage(failure.message, ctx.key))}`,
        fix: `Retry; if it persists, check that ${ctx.baseURL} is ${ctx.provider.name}'s API and not a proxy that rewrites answers.`,
      };
    case 'stream':
      return fromServer(undefined, readErrorValue(failure.body), {}, ctx, failure.chunks);
    case 'http':
      return fromServer(failure.status, readErrorBody(failure.body, failure.contentType), failure.headers, ctx, null);
  }
}

/** The server answered; `status` is undefined for an error event in the middle of a stream. */
function fromServer(
  status: number | undefined,
  e: ServerError,
  headers: Readonly<Record<string, string>>,
  ctx: ClassifyContext,
  chunks: number | null,
): Diagnosis {
  const msg = e.message ?? '';
  const code = e.code ?? '';
  // Google's numeric `code` repeats the status: its `reason` is what says why (`403 SERVICE_DISABLED`).
  const tag = [status, e.shape === 'google' ? (e.reason ?? e.type) : (e.code ?? e.type ?? e.reason)].filter((x) => x !== undefined && x !== null && x !== '').join(' ');
  const p = ctx.provider.name;
  const quoted = clip(scrubMessage(msg, ctx.key));
  const said = msg && e.shape !== 'html' ? ` ${p} said: "${quoted}"${/[.!?]$/.test(quoted) ? '' : '.'}` : '';
  const reqId = headers['x-request-id'] ? ` Request id: ${headers['x-request-id']}.` : '';

  if (e.shape === 'html' && (status === undefined || status < 500)) {
    return baseUrl(ctx, `${ctx.request} answered${status ? ` ${status}` : ''} with an HTML page${e.message ? ` ("${clip(e.message)}")` : ''} instead of ${p}'s JSON: the base URL points at a website, or a proxy or captive portal answered.`);
  }

  const scopes = /Missing scopes?:\s*([a-z_]+(?:\.[a-z_]+)+(?:\s*,\s*[a-z_]+(?:\.[a-z_]+)+)*)/i.exec(msg);
  if (scopes) return missingScope(scopes[1]!.split(/\s*,\s*/), tag, said, ctx);

  if (code === 'mismatched_organization' || /OpenAI-Organization header/i.test(msg)) {
    return headerMismatch('permission.org-mismatch', 'organization', 'OpenAI-Organization', ctx.organization, 'OPENAI_ORG_ID', tag, said, ctx);
  }
  if (code === 'mismatched_project' || /OpenAI-Project header/i.test(msg)) {
    return headerMismatch('permission.project-mismatch', 'project', 'OpenAI-Project', ctx.project, 'OPENAI_PROJECT_ID', tag, said, ctx);
  }
  if (code === 'ip_not_authorized' || /\bIP\b.*not (authorized|allowed)/i.test(msg)) {
    return {
      rule: 'permission.ip-not-allowed',
      title: `${p} refused the call from this IP address (${tag})`,
      detail: `The key's organization or project has an IP allowlist and this machine's public address is not on it.${said}${ctx.proxy ? ` The call went through the proxy ${ctx.proxy}, so the proxy's address is the one that counts.` : ''}`,
      fix: `Add your egress IP under Settings → Security → IP allowlist at ${ctx.provider.dashboard.keys} (it takes up to 15 minutes), or call from an allowed network.`,
    };
  }
  if (code === 'account_deactivated' || /deactivated account/i.test(msg)) {
    return {
      rule: 'permission.account',
      title: `The ${p} account behind this key is deactivated (${tag})`,
      detail: `The key belongs to a deactivated account; no key from it will work.${said}`,
      fix: `Contact ${p} support (help.openai.com for OpenAI), or create a key in an active account and ${isGiven(ctx.origin) ? 'use it instead' : `run \`keyward rotate --provider ${ctx.provider.id}\``}.`,
    };
  }
  if (code === 'no_organization' || /member of an organization/i.test(msg)) {
    return {
      rule: 'permission.account',
      title: `The key's user is not a member of any ${p} organization (${tag})`,
      detail: `${p} serves only members of an organization.${said}`,
      fix: `Join or create an organization at ${ctx.provider.dashboard.keys}, then create a project key there.`,
    };
  }
  if (code === 'unsupported_country_region_territory' || /country, region,? or territory/i.test(msg)) {
    return {
      rule: 'permission.region',
      title: `${p} does not serve the region this call came from (${tag})`,
      detail: `The request was refused because of where it came from, not because of the key.${said}${ctx.proxy ? ` The call went through ${ctx.proxy}.` : ''}`,
      fix: 'Call from a supported country; check where your VPN, proxy or cloud region exits.',
    };
  }
  const google = e.shape === 'google' ? googleRefusal(e.reason ?? '', tag, said, ctx) : null;
  if (google) return google;
  if (/didn't provide an API key|no auth credentials|missing (bearer|authentication|api key)|no api key (provided|found)/i.test(msg)) {
    return noKeySent(tag, said, ctx);
  }
  if (isInvalidKey(status, e, msg)) return invalidKey(tag, msg, said, ctx);
  if (status === 402 || QUOTA_CODES.has(code) || QUOTA_CODES.has(e.type ?? '') || /insufficient (credits|balance|quota)|exceeded your current quota|spend(ing)? limit|credit balance/i.test(msg)) {
    return {
      rule: 'permission.quota',
      title: `${p} account is out of credit or over its spend limit (${tag})`,
      detail: `The key is valid, but the account or project may not spend more; retrying will not help until it does.${said}`,
      fix: `Add credits or raise the spend limit in ${p}'s billing settings (a top-up can take a few minutes to apply), then ${isGiven(ctx.origin) ? 'test the key again' : `run \`keyward test --provider ${ctx.provider.id}\``}.`,
    };
  }
  if (status === 429 || code === 'rate_limit_exceeded' || code === 'slow_down' || /rate limit/i.test(msg)) {
    return rateLimit(tag, msg, said, headers, ctx);
  }
  if (code === 'model_not_found' || code === 'DeploymentNotFound' || /model\b.*\b(does not exist|not found|not exist)|try pulling it|(invalid|unknown) model|deployment .*does not exist/i.test(msg)) {
    return {
      rule: 'permission.model-access',
      title: `Model ${ctx.model} is not available to this key (${tag})`,
      detail: `The model id is wrong, or the key's project is not allowed to use it.${said}`,
      fix: `Check the model id (\`keyward test --provider ${ctx.provider.id} --model NAME\`), and which models the project allows at ${ctx.provider.dashboard.keys}.`,
    };
  }
  if (status === 404) {
    return baseUrl(ctx, `${ctx.request} answered 404${code ? ` ${code}` : e.shape === 'empty' ? ' with an empty body' : ''}: there is no such endpoint under ${ctx.baseURL}.${said}`);
  }
  if (status === undefined || status >= 500) {
    const where = chunks === null ? '' : ` after ${chunks} chunk${chunks === 1 ? '' : 's'}`;
    return {
      rule: 'permission.server',
      title: status === undefined ? `The stream broke off with an error${where}` : `${p} had a server error (${tag})`,
      detail: `${status === undefined ? 'The server sent an error event in the middle of the stream.' : e.shape === 'html' ? `A gateway answered with an HTML page${e.message ? ` ("${clip(e.message)}")` : ''}, not ${p}'s API.` : 'The failure is on the provider side, not in your key.'}${said}${reqId}`,
      fix: `Retry later (the whole request, for a stream) and check ${p}'s status page; quote the request id if you contact support.`,
    };
  }
  if (status === 403) {
    return {
      rule: 'permission.missing-scope',
      title: `${p} refused ${ctx.request} for this key (${tag})`,
      detail: `The key was accepted but is not allowed to make this call.${said}`,
      fix: `Check the key's permissions at ${ctx.provider.dashboard.keys}, or use a key with full access.`,
    };
  }
  return baseUrl(ctx, `${ctx.request} answered ${tag}: the endpoint does not accept the request as ${p}'s API would.${said}`);
}

/** What a Google key's application restriction names, by the reason Google gives when a call is not from there. */
const GOOGLE_APP_RESTRICTIONS: Record<string, string> = {
  API_KEY_HTTP_REFERRER_BLOCKED: 'websites (an HTTP referrer restriction)',
  API_KEY_IP_ADDRESS_BLOCKED: 'IP addresses',
  API_KEY_ANDROID_APP_BLOCKED: 'Android apps',
  API_KEY_IOS_APP_BLOCKED: 'iOS apps',
};

/**
 * Google's 403s for a valid key, told apart by `details[].reason` (the message alone reads the
 * same for several): the API off in the key's project, left out of the key's API restrictions,
 * a call from outside the key's application restriction, or a suspended project.
 */
function googleRefusal(reason: string, tag: string, said: string, ctx: ClassifyContext): Diagnosis | null {
  const p = ctx.provider.name;
  const credentials = 'the Google Cloud console (APIs & Services → Credentials)';
  if (reason === 'SERVICE_DISABLED') {
    return {
      rule: 'permission.missing-scope',
      title: `The Generative Language API is off in the key's Google Cloud project (${tag})`,
      detail: `The key is valid, but its project has not enabled the API ${p} is served by.${said}`,
      fix: `Enable the Generative Language API for that project (APIs & Services → Library; it takes a few minutes), or create a key at ${ctx.provider.dashboard.keys}, which comes with it enabled.`,
    };
  }
  if (reason === 'API_KEY_SERVICE_BLOCKED') {
    return {
      rule: 'permission.missing-scope',
      title: `The key's API restrictions leave out the Generative Language API (${tag})`,
      detail: `The key is valid, but it is restricted to other Google APIs, so ${p} refuses it.${said}`,
      fix: `In ${credentials}, add the Generative Language API to the key's API restrictions, or use a key made for ${p} at ${ctx.provider.dashboard.keys}.`,
    };
  }
  const from = GOOGLE_APP_RESTRICTIONS[reason];
  if (from) {
    return {
      rule: 'permission.ip-not-allowed',
      title: `The key accepts calls only from its ${from.replace(/ \(.*\)$/, '')} (${tag})`,
      detail: `The key has an application restriction to certain ${from}, and this call did not come from one.${said}`,
      fix: `For server code, use a key without a website or app restriction (restrict it to the Generative Language API and to your servers' IP addresses instead) in ${credentials}.`,
    };
  }
  if (reason === 'CONSUMER_SUSPENDED') {
    return {
      rule: 'permission.account',
      title: `Google suspended the key's project (${tag})`,
      detail: `No call from that project is served; Google suspends a project or key after abuse, often of a leaked key.${said}`,
      fix: `Check the project's notices in the Google Cloud console and create a key in a project in good standing at ${ctx.provider.dashboard.keys}.`,
    };
  }
  return null;
}

function isInvalidKey(status: number | undefined, e: ServerError, msg: string): boolean {
  if (status === 401) return true;
  if (e.code === 'invalid_api_key' || e.reason === 'API_KEY_INVALID' || e.type === 'authentication_error') return true;
  return /incorrect api key|invalid api key|api key not valid|invalid x-api-key|invalid subscription key|authentication fails|user not found/i.test(msg);
}

/** True for a key just given (pasted or piped) and not stored yet: fixes then name no command for a stored key. */
const isGiven = (origin: KeyOrigin | null): boolean => origin?.source === 'pasted' || origin?.source === 'stdin';

/** Where the key came from, for a sentence: "OPENAI_API_KEY from the environment (it shadows a different key in .env)". */
export function describeOrigin(origin: KeyOrigin | null): string {
  if (!origin) return 'the configured key';
  if (origin.source === 'pasted') return 'the key you pasted';
  if (origin.source === 'stdin') return 'the key from standard input';
  const place = (source: KeyOrigin['source'], file: string | null): string =>
    source === 'env' ? 'the environment' : source === 'keychain' ? 'the keychain' : (file ?? 'a .env file');
  const shadows = origin.shadows.length
    ? ` (it wins over a different key in ${origin.shadows.map((s) => place(s.source, s.file)).join(' and ')})`
    : '';
  return `${origin.variable} from ${place(origin.source, origin.file)}${shadows}`;
}

/** The key a 401 message echoes: masked head and tail, or a literal such as `undefined`. */
export function readEchoedKey(message: string): { head: string; tail: string } | { literal: string } | null {
  const m = /(?:incorrect api key provided|your api key|api key provided):?\s*([^\s]+?)(?:\.?\s|\.?$)/i.exec(message);
  const token = m?.[1];
  if (token === undefined) return null;
  const masked = /^(.*?)(?:\*{2,}|\.{3})(.*)$/.exec(token);
  if (masked) return { head: masked[1]!, tail: masked[2]! };
  return token.length <= 16 ? { literal: token } : null;
}

function invalidKey(tag: string, msg: string, said: string, ctx: ClassifyContext): Diagnosis {
  const p = ctx.provider.name;
  const from = describeOrigin(ctx.origin);
  const newKey = isGiven(ctx.origin)
    ? `Create a key at ${ctx.provider.dashboard.keys} and use it instead.`
    : `Create a key at ${ctx.provider.dashboard.keys} and store it with \`keyward rotate --provider ${ctx.provider.id}\`.`;
  const echo = readEchoedKey(msg);
  const azureEndpoint = /wrong API endpoint/i.test(msg) ? ' Azure gives the same answer for a key used at another resource\'s endpoint, so check the endpoint too.' : '';
  if (echo && 'literal' in echo) {
    return {
      rule: 'permission.invalid-key',
      title: `${p} received "${clip(echo.literal)}" instead of a key (${tag})`,
      detail: `The value that reached ${p} is not a key: a variable was not loaded where the key was read.${said}`,
      fix: `Make sure ${ctx.origin?.variable ?? ctx.provider.envVars[0]} is set before the client is created (load .env first, or \`import 'keyward/config'\`).`,
    };
  }
  if (echo && ctx.key) {
    const value = ctx.key.reveal();
    const same = value.startsWith(echo.head) && value.endsWith(echo.tail);
    if (!same) {
      return {
        rule: 'permission.invalid-key',
        title: `${p} received another key (${redactEcho(echo.head, echo.tail)}) than the configured ${ctx.key.redacted} (${tag})`,
        detail: `keyward sent ${ctx.key.redacted}, ${from}, but ${p} saw ${redactEcho(echo.head, echo.tail)}: something between replaced it (a gateway or proxy that injects its own key, or custom headers from OPENAI_CUSTOM_HEADERS), and that key is invalid.${said}`,
        fix: `Find what rewrites the Authorization header between this machine and ${ctx.baseURL}; an app that reads another source (a stale shell export, another .env file) sends the wrong key the same way. ${newKey}`,
      };
    }
  }
  const shadowNote = ctx.origin?.shadows.length
    ? ` If the other source holds your current key, the winner is stale: ${ctx.origin.source === 'env' ? `run \`unset ${ctx.origin.variable}\` (and remove it from your shell profile)` : `update ${ctx.origin.file ?? ctx.origin.source}`}.`
    : '';
  return {
    rule: 'permission.invalid-key',
    title: `${p} rejected the key ${ctx.key?.redacted ?? ''} as invalid or revoked (${tag})`.replace('  ', ' '),
    detail: `The key that was sent is ${ctx.key?.redacted ?? 'the configured one'}, ${from}${echo ? `, and ${p} echoed the same prefix and last four` : ''}: it was revoked, deleted, or belongs to another provider or organization.${azureEndpoint}${said}`,
    fix: `${isGiven(ctx.origin) ? 'Check that the whole key was copied, with nothing before or after it.' : `Check for quotes, spaces or a truncated paste in ${ctx.origin?.file ?? ctx.origin?.variable ?? 'the key'}.`}${shadowNote} ${newKey}`,
  };
}

function noKeySent(tag: string, said: string, ctx: ClassifyContext): Diagnosis {
  const p = ctx.provider.name;
  return {
    rule: 'permission.no-key-sent',
    title: `${p} received no key although ${ctx.key?.redacted ?? 'one'} was sent (${tag})`,
    detail: `keyward sent ${describeOrigin(ctx.origin)} in the Authorization header, but ${p} saw none: ${ctx.proxy ? `the proxy ${ctx.proxy}` : 'a proxy or gateway on the way'} removed it.${said}`,
    fix: `Make the proxy or gateway forward the \`Authorization: Bearer\` header${ctx.proxy ? ', or add the API host to NO_PROXY' : ''}.`,
  };
}

function missingScope(scopes: string[], tag: string, said: string, ctx: ClassifyContext): Diagnosis {
  const listingOnly = scopes.length > 0 && scopes.every((s) => LISTING_SCOPES.has(s));
  if (listingOnly) {
    return {
      rule: 'permission.missing-scope',
      severity: 'medium',
      title: `Key valid, model listing blocked: missing scope ${scopes.join(', ')}; inference works`,
      detail: `The key is a restricted key without Models: Read, so ${ctx.request} is refused, but chat and other inference calls are allowed.${said}`,
      fix: `Nothing to do for inference. To list models, grant Models → Read to the key at ${ctx.provider.dashboard.keys}.`,
    };
  }
  const named = scopes.length ? scopes.join(', ') : 'a scope';
  const request = scopes.some((s) => s.endsWith('model.request'));
  return {
    rule: 'permission.missing-scope',
    title: `The restricted key lacks the scope ${named} needed for ${ctx.request} (${tag})`,
    detail: `The key is valid but restricted, and this call needs ${named}. This is not a billing problem.${said}`,
    fix: `At ${ctx.provider.dashboard.keys}, edit the key's permissions and grant ${request ? 'Model capabilities → Request' : named}, or use a key with "All" permissions.`,
  };
}

function headerMismatch(
  rule: 'permission.org-mismatch' | 'permission.project-mismatch',
  what: string,
  header: string,
  origin: HeaderOrigin | null,
  variable: string,
  tag: string,
  said: string,
  ctx: ClassifyContext,
): Diagnosis {
  const name = origin?.variable ?? variable;
  return {
    rule,
    title: `The ${header} header does not match the key's ${what}${origin ? ` (${name} is set)` : ''} (${tag})`,
    detail: `${origin ? `${name} is set to "${origin.value}", and` : 'The'} ${header} header it adds names another ${what} than the one that owns ${ctx.key?.redacted ?? 'the key'}.${said}`,
    fix: `Unset ${name} (\`unset ${name}\`, and remove it from .env), or set it to the ${what} that owns the key, or use a key from that ${what}.`,
  };
}

function rateLimit(tag: string, msg: string, said: string, headers: Readonly<Record<string, string>>, ctx: ClassifyContext): Diagnosis {
  const p = ctx.provider.name;
  if (/request too large/i.test(msg)) {
    return {
      rule: 'permission.rate-limit',
      title: `The request is larger than the per-minute token limit (${tag})`,
      detail: `One request asks for more tokens than the limit allows; waiting will not help.${said}`,
      fix: 'Shrink the input or max_tokens, or raise the limit (a higher usage tier).',
    };
  }
  const waits: string[] = [];
  const reset = (label: string, ms: number | undefined): void => {
    if (ms === undefined) return;
    const at = new Date(ctx.now.getTime() + ms).toISOString().slice(11, 19);
    waits.push(`${label} in ${formatDuration(ms)} (${at} UTC)`);
  };
  const retryMs = headers['retry-after-ms'] ? parseResetDuration(`${headers['retry-after-ms']}ms`) : undefined;
  reset('retry allowed', retryMs ?? (headers['retry-after'] ? parseRetryAfter(headers['retry-after'], ctx.now) : undefined));
  reset('requests reset', headers['x-ratelimit-reset-requests'] ? parseResetDuration(headers['x-ratelimit-reset-requests']) : undefined);
  reset('tokens reset', headers['x-ratelimit-reset-tokens'] ? parseResetDuration(headers['x-ratelimit-reset-tokens']) : undefined);
  const inMessage = /try again in ([\d.hms]+?)\.?(?:\s|$)/i.exec(msg)?.[1];
  if (waits.length === 0 && inMessage) reset('retry allowed', parseResetDuration(inMessage));
  const remaining = ['requests', 'tokens']
    .filter((k) => headers[`x-ratelimit-remaining-${k}`] !== undefined)
    .map((k) => `${headers[`x-ratelimit-remaining-${k}`]}${headers[`x-ratelimit-limit-${k}`] ? ` of ${headers[`x-ratelimit-limit-${k}`]}` : ''} ${k}`);
  return {
    rule: 'permission.rate-limit',
    title: `Rate limited by ${p}${waits.length ? `: ${waits[0]}` : ''} (${tag})`,
    detail: `The key works but too many requests or tokens were used in the current window${ctx.call === 'async' ? ' (the async test sends a few requests at once)' : ''}.${remaining.length ? ` Remaining: ${remaining.join(', ')}.` : ''}${waits.length ? ` ${cap(waits.join('; '))}.` : ''}${said}`,
    fix: `Wait until the reset, then back off and retry with jitter; the limits per model are at ${ctx.provider.dashboard.keys.replace(/api-keys$/, 'settings/organization/limits')}.`,
  };
}

/** The value is not shown: what is not a URL may be anything pasted there, a key included. */
function notAUrl(ctx: ClassifyContext): Diagnosis {
  const p = ctx.provider.name;
  const variable = ctx.provider.api.baseUrlEnv;
  const setting = variable ? `${variable} or --base-url` : '--base-url';
  return {
    rule: 'permission.base-url',
    title: 'The base URL is not a URL',
    detail: `The base URL (${setting}) is not an http(s) URL, so no call to ${p} was made; the app's SDK fails the same way before it sends a request.`,
    fix: `Set ${setting} to a full URL such as ${ctx.provider.api.baseURL ?? 'https://host/v1'} (your gateway's, including its path), or unset it to use ${p}'s own.`,
  };
}

function baseUrl(ctx: ClassifyContext, detail: string): Diagnosis {
  const p = ctx.provider.name;
  const fixed = withV1(ctx.baseURL, ctx.provider);
  const setting = ctx.provider.api.baseUrlEnv ? `${ctx.provider.api.baseUrlEnv} or --base-url` : '--base-url';
  return {
    rule: 'permission.base-url',
    title: fixed ? `The base URL ${ctx.baseURL} lacks /v1` : `${ctx.baseURL} does not answer like ${p}'s API`,
    detail: `${detail}${fixed ? ` The base URL must end in /v1.` : ''}`,
    fix: fixed
      ? `Set ${setting} to ${fixed}.`
      : `Set ${setting} to ${p}'s OpenAI-compatible URL (${ctx.provider.api.baseURL ?? 'see its docs'}), or to your gateway's URL including its path.`,
  };
}

/** The base URL with `/v1` added, when the provider's own URL has it and this one does not; else null. */
export function withV1(baseURL: string, provider: Provider): string | null {
  if (!provider.api.baseURL || !/\/v1\/?$/.test(provider.api.baseURL)) return null;
  try {
    const url = new URL(baseURL);
    if (/\/v1(\/|$)/.test(url.pathname)) return null;
    url.pathname = `${url.pathname.replace(/\/$/, '')}/v1`;
    return url.toString();
  } catch {
    return null;
  }
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}

function connection(codes: string[], messages: string[], ctx: ClassifyContext): Diagnosis {
  const host = hostOf(ctx.baseURL);
  const has = (...c: string[]): boolean => codes.some((x) => c.includes(x));
  const seen = clip(scrubMessage([...new Set([...codes, ...messages.filter((m) => m !== 'fetch failed' && m !== 'Connection error.')])].join(': '), ctx.key));
  const via = ctx.proxy ? ` through the proxy ${ctx.proxy}` : '';
  const proxyMsg = messages.find((m) => /proxy/i.test(m));
  if (proxyMsg) {
    return {
      rule: 'permission.network',
      title: `The proxy ${ctx.proxy ?? ''} refused to forward the call to ${host}`.replace('  ', ' '),
      detail: `The proxy from HTTPS_PROXY/HTTP_PROXY failed the request (${seen}).`,
      fix: 'Check the proxy URL and its credentials in HTTPS_PROXY/HTTP_PROXY, or add the API host to NO_PROXY if it should be reached directly.',
    };
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) return timeout('connect', ctx);
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return {
      rule: 'permission.network',
      title: `Cannot resolve ${host} (DNS)`,
      detail: `The host name of the base URL ${ctx.baseURL} did not resolve (${seen}).`,
      fix: `Check the spelling of the base URL (${ctx.provider.api.baseUrlEnv ?? '--base-url'}), your DNS and VPN; behind a corporate proxy set HTTPS_PROXY.`,
    };
  }
  if (has('ECONNREFUSED')) {
    return {
      rule: 'permission.network',
      title: `Connection refused by ${ctx.proxy ? `the proxy ${ctx.proxy}` : host}`,
      detail: `Nothing accepted the connection${via} (${seen}).`,
      fix: ctx.proxy
        ? 'Start the proxy or correct HTTPS_PROXY/HTTP_PROXY (or add the host to NO_PROXY).'
        : `Check the port and that the server at ${ctx.baseURL} is running; for a local gateway start it first.`,
    };
  }
  if (codes.some((c) => TLS_CODE.test(c)) || messages.some((m) => /certificate|TLS|SSL/i.test(m))) {
    return {
      rule: 'permission.network',
      title: `TLS failed when connecting to ${host}`,
      detail: `The server's certificate was not accepted${via} (${seen}). A corporate proxy or antivirus that inspects TLS presents its own certificate.`,
      fix: 'Add your organisation\'s CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (set before Node starts), or fix the certificate of the endpoint.',
    };
  }
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED') || messages.some((m) => /other side closed|socket hang up/i.test(m))) {
    return {
      rule: 'permission.network',
      title: `The connection to ${host} was dropped before an answer`,
      detail: `The connection closed without a response${via} (${seen}). Proxies, VPNs and firewalls that inspect traffic do this.`,
      fix: 'Retry; if it repeats, check the VPN, firewall or proxy (HTTPS_PROXY/HTTP_PROXY/NO_PROXY) between you and the API.',
    };
  }
  return {
    rule: 'permission.network',
    title: `Cannot reach ${host}`,
    detail: `The call failed before any answer${via} (${seen || 'no details'}).`,
    fix: 'Check the network, the base URL and the proxy settings (HTTPS_PROXY/HTTP_PROXY/NO_PROXY).',
  };
}

function timeout(stage: 'connect' | 'response' | 'stream', ctx: ClassifyContext): Diagnosis {
  const s = formatDuration(ctx.timeoutMs);
  const what = stage === 'connect' ? 'No connection' : stage === 'stream' ? 'The stream did not finish' : 'No answer';
  return {
    rule: 'permission.timeout',
    title: `${what} from ${hostOf(ctx.baseURL)} within ${s}`,
    detail: `${ctx.request} ${stage === 'stream' ? 'started but stalled' : 'got no answer'} within the ${s} timeout${ctx.proxy ? ` (through the proxy ${ctx.proxy})` : ''}.`,
    fix: `${isGiven(ctx.origin) ? 'Retry the test' : 'Retry with a longer timeout (`keyward test --timeout 60`)'}, and check the network and the provider's status page.`,
  };
}

function keyCharset(index: number | null, ctx: ClassifyContext): Diagnosis {
  const position = index !== null ? ` (character ${index + 1})` : '';
  return {
    rule: 'missing.malformed',
    title: `The ${ctx.provider.name} key contains a character that cannot be sent${position}`,
    detail: `${describeOrigin(ctx.origin)} holds a character outside Latin-1, such as a masked (•, …) or placeholder character or a non-Latin letter, so the HTTP client refused to send it; the request never left this machine.`,
    fix: `Copy the real key from ${ctx.provider.dashboard.keys} (not the masked one shown in lists) and store it with \`keyward setup --provider ${ctx.provider.id}\`.`,
  };
}

function clip(text: string, max = 240): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
