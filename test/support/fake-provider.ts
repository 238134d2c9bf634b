import { afterAll, beforeAll } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEX, pseudoRandom } from '../../src/providers/sample.js';
import { fakeKey, type FakeKind } from './keys.js';

/**
 * A real HTTP server on 127.0.0.1 that answers like the providers do (research/provider-apis.md):
 * OpenAI's `{"error":{message,type,param,code}}` bodies with the real messages, `x-request-id` and
 * `x-ratelimit-*` headers, SSE streams, and the other providers' error shapes. The answer is chosen
 * by the key the request carries: `fake.key('invalid-key')` builds a key at run time and remembers
 * its scenario.
 */
export type Scenario =
  | 'ok'
  | 'invalid-key'
  | 'other-key'
  | 'echo-full-key'
  | 'echo-head'
  | 'echo-middle'
  | 'echo-urlencoded'
  | 'echo-split'
  | 'echo-undefined'
  | 'no-key-sent'
  | 'org-mismatch'
  | 'project-mismatch'
  | 'ip-not-allowed'
  | 'scope-listing'
  | 'scope-request'
  | 'region'
  | 'model-not-found'
  | 'quota'
  | 'credit-exhausted'
  | 'spend-limit'
  | 'rate-limit'
  | 'too-large'
  | 'server-error'
  | 'overloaded'
  | 'overloaded-once'
  | 'html-502'
  | 'html-200'
  | 'deactivated'
  | 'no-organization'
  | 'mid-stream'
  | 'stall-stream'
  | 'slow'
  /** Answered as 'ok', but only once the test calls `release()`: the test can type while the calls are in flight, deterministically. */
  | 'held'
  | 'drop'
  | 'gemini-invalid'
  | 'gemini-service-disabled'
  | 'gemini-service-blocked'
  | 'gemini-referrer-blocked'
  | 'mistral-message'
  | 'mistral-detail'
  | 'string-error'
  | 'xai-invalid'
  | 'azure-invalid'
  | 'openrouter-credits'
  | 'openrouter-no-auth'
  | 'deepseek-invalid'
  | 'deepseek-balance'
  | 'anthropic-invalid'
  | 'ollama-missing-model';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  scenario: Scenario | null;
  authorization: string | null;
  organization: string | null;
  project: string | null;
}

export interface FakeProvider {
  port: number;
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  /** A fresh key of `kind`'s format (`azure`: 32 hex characters) that makes the server play `scenario`. */
  key(scenario: Scenario, kind?: FakeKind | 'azure'): string;
  requests: SeenRequest[];
  /** Answers the requests of a 'held' key that wait, and lets its later ones through. */
  release(key: string): void;
  close(): Promise<void>;
}

const SLEEP_FOREVER = new Set<Scenario>(['slow']);

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function openaiError(res: ServerResponse, status: number, message: string, type: string | null, code: string | null, headers: Record<string, string> = {}): void {
  json(res, status, { error: { message, type, param: null, code } }, headers);
}

/** How OpenAI masks a key it echoes: the first 8 characters, one `*` per hidden one, the last 4. */
export function openaiMask(key: string): string {
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

const NO_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.";

const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const HTML_PORTAL = '<!DOCTYPE html><html><head><title>Hotel WiFi - Sign in</title></head><body><form>Accept the terms</form></body></html>';

function chunk(id: string, delta: Record<string, unknown>, finish: string | null): string {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1767225600, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** The key a request carries, in whichever header its provider uses. */
function sentKey(req: IncomingMessage): string | null {
  return req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? (req.headers['api-key'] as string | undefined) ?? (req.headers['x-api-key'] as string | undefined) ?? null;
}

/** Starts the server on a random port of 127.0.0.1. */
export async function startFakeProvider(): Promise<FakeProvider> {
  const scenarios = new Map<string, Scenario>();
  const requests: SeenRequest[] = [];
  let counter = 0;
  const requestId = (): string => `req_${(++counter).toString(16).padStart(32, '0')}`;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization ?? null;
    const sent = sentKey(req);
    const scenario = sent !== null ? (scenarios.get(sent) ?? null) : null;
    const organization = (req.headers['openai-organization'] as string | undefined) ?? null;
    const project = (req.headers['openai-project'] as string | undefined) ?? null;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, scenario, authorization: auth, organization, project });
    if (scenario && SLEEP_FOREVER.has(scenario)) return;
    if (scenario === 'drop') {
      req.socket.destroy();
      return;
    }
    const id = requestId();
    const common = {
      'x-request-id': id,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '42',
    };
    const limits = {
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-remaining-tokens': '199985',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-reset-tokens': '4ms',
    };
    const path = url.pathname;
    const isModels = path === '/v1/models' || path === '/v1beta/openai/models' || path === '/openai/models';
    const isChat = path.endsWith('/chat/completions');
    const isKeyInfo = path === '/v1/key' || path === '/v1/api-key';
    const azure = path.startsWith('/openai/');
    if (!azure && !path.startsWith('/v1/') && !path.startsWith('/v1beta/')) {
      openaiError(res, 404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', 'unknown_url', common);
      return;
    }
    if (sent === null) {
      openaiError(res, 401, NO_KEY_MESSAGE, 'invalid_request_error', null, { ...common, 'www-authenticate': 'Bearer realm="OpenAI API"' });
      return;
    }
    let model = 'gpt-4o-mini';
    let stream = false;
    try {
      const parsed = body ? (JSON.parse(body) as { model?: string; stream?: boolean }) : {};
      model = parsed.model ?? model;
      stream = parsed.stream === true;
    } catch {
      // A malformed request body is answered like any other request here.
    }
    const e = (status: number, message: string, type: string | null, code: string | null, extra: Record<string, string> = {}): void =>
      openaiError(res, status, message, type, code, { ...common, ...extra });

    switch (scenario) {
      case null:
      case 'invalid-key':
        return e(401, `Incorrect API key provided: ${openaiMask(sent)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
      case 'other-key':
        return e(401, `Incorrect API key provided: ${openaiMask(fakeKey('openai-project', 'someone-else'))}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
      case 'echo-full-key':
        return e(401, `Incorrect API key provided: ${sent}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
      case 'echo-head':
        return e(401, `Incorrect API key provided: ${sent.slice(0, 16)}…${sent.slice(-7)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key');
      case 'echo-middle':
        return e(401, `Token segment ${sent.slice(30, 70)} is not valid.`, 'invalid_request_error', 'invalid_api_key', { 'x-request-id': `req_${sent.slice(80, 110)}` });
      case 'echo-urlencoded':
        return e(401, `Incorrect API key provided: ${[...sent].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('')}.`, 'invalid_request_error', 'invalid_api_key');
      case 'echo-split':
        return e(401, `Incorrect API key provided: ${sent.slice(0, 60)} ${sent.slice(60)}.`, 'invalid_request_error', 'invalid_api_key');
      case 'echo-undefined':
        return e(401, 'Incorrect API key provided: undefined. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key');
      case 'no-key-sent':
        return e(401, NO_KEY_MESSAGE, 'invalid_request_error', null);
      case 'org-mismatch':
        if (organization) return e(401, 'OpenAI-Organization header should match organization for API key', 'invalid_request_error', 'mismatched_organization');
        break;
      case 'project-mismatch':
        if (project) return e(401, 'OpenAI-Project header should match project for API key', 'invalid_request_error', 'mismatched_project');
        break;
      case 'ip-not-allowed':
        return e(401, 'Your IP is not authorized to make this request.', 'invalid_request_error', 'ip_not_authorized');
      case 'scope-listing':
        if (isModels) return e(401, 'You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you\'re using a restricted API key, that it has the necessary scopes.', 'invalid_request_error', null);
        break;
      case 'scope-request':
        if (isChat) return e(401, 'You have insufficient permissions for this operation. Missing scopes: model.request. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you\'re using a restricted API key, that it has the necessary scopes.', 'invalid_request_error', null);
        break;
      case 'region':
        return e(403, 'Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory');
      case 'model-not-found':
        if (isChat) return e(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
        break;
      case 'quota':
        if (isChat) return e(429, 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.', 'insufficient_quota', 'insufficient_quota');
        break;
      case 'credit-exhausted':
        if (isChat) return e(429, 'Your credit balance is exhausted. Add credits to continue.', 'insufficient_quota', 'credit_balance_exhausted');
        break;
      case 'spend-limit':
        if (isChat) return e(429, 'Your project has reached its monthly spend limit.', 'insufficient_quota', 'project_spend_limit_exceeded');
        break;
      case 'rate-limit':
        return e(429, `Rate limit reached for ${model} in organization org-abc123 on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.`, 'requests', 'rate_limit_exceeded', {
          ...limits,
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '6m0s',
          'retry-after': '360',
        });
      case 'too-large':
        if (isChat) return e(429, `Request too large for ${model} in organization org-abc123 on tokens per min (TPM): Limit 30000, Requested 31538. The input or output tokens must be reduced in order to run successfully.`, 'tokens', 'rate_limit_exceeded');
        break;
      case 'server-error':
        return e(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null);
      case 'overloaded-once':
        // The first call with this key meets an overloaded server; the calls after it are answered.
        if (isChat && requests.filter((q) => q.scenario === 'overloaded-once' && q.authorization === auth && q.path.endsWith('/chat/completions')).length === 1) {
          return e(503, 'The engine is currently overloaded, please try again later.', 'service_unavailable_error', 'server_is_overloaded');
        }
        break;
      case 'overloaded':
        return e(503, 'The engine is currently overloaded, please try again later.', 'service_unavailable_error', 'server_is_overloaded');
      case 'html-502':
        res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' });
        res.end(HTML_502);
        return;
      case 'html-200':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(HTML_PORTAL);
        return;
      case 'deactivated':
        return e(401, 'This key is associated with a deactivated account. If you feel this is an error, contact us through our help center at help.openai.com.', 'invalid_request_error', 'account_deactivated');
      case 'no-organization':
        return e(401, 'You must be a member of an organization to use the API. Please contact us through our help center at help.openai.com.', 'invalid_request_error', 'no_organization');
      case 'gemini-invalid':
        return json(res, 400, [{ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] } }]);
      case 'gemini-service-disabled':
        return json(res, 403, [{ error: { code: 403, message: 'Generative Language API has not been used in project 411082643095 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/generativelanguage.googleapis.com/overview?project=411082643095 then retry.', status: 'PERMISSION_DENIED', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com', consumer: 'projects/411082643095' } }] } }]);
      case 'gemini-service-blocked':
        return json(res, 403, [{ error: { code: 403, message: 'Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.', status: 'PERMISSION_DENIED', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_SERVICE_BLOCKED', domain: 'googleapis.com' }] } }]);
      case 'gemini-referrer-blocked':
        return json(res, 403, [{ error: { code: 403, message: 'Requests from referer <empty> are blocked.', status: 'PERMISSION_DENIED', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_HTTP_REFERRER_BLOCKED', domain: 'googleapis.com' }] } }]);
      case 'mistral-message':
        return json(res, 401, { message: 'Unauthorized', request_id: 'b5e1f0c2a7d84e3f9c1d2e3f4a5b6c7d' });
      case 'mistral-detail':
        return json(res, 401, { detail: 'Unauthorized' });
      case 'string-error':
        return json(res, 401, { error: 'Unauthorized' });
      case 'xai-invalid':
        return json(res, 400, { code: 'Some requested entity was not found', error: `Incorrect API key provided: ${sent.slice(0, 2)}***${sent.slice(-2)}. You can obtain an API key from https://console.x.ai.` });
      case 'azure-invalid':
        return json(res, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
      case 'openrouter-credits':
        if (isChat) return json(res, 402, { error: { message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits', code: 402 } });
        break;
      case 'openrouter-no-auth':
        return json(res, 401, { error: { message: 'No auth credentials found', code: 401 } });
      case 'deepseek-invalid':
        return json(res, 401, { error: { message: `Authentication Fails, Your api key: ****${sent.slice(-4)} is invalid`, type: 'authentication_error', param: null, code: 'invalid_request_error' } });
      case 'deepseek-balance':
        if (isChat) return json(res, 402, { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } });
        break;
      case 'anthropic-invalid':
        return json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' });
      case 'ollama-missing-model':
        if (isChat) return json(res, 404, { error: { message: `model "${model}" not found, try pulling it first`, type: 'api_error', param: null, code: null } });
        break;
      default:
        break;
    }

    if (isModels) {
      return json(res, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' }] }, common);
    }
    if (isKeyInfo) {
      return json(res, 200, { data: { label: 'sk-or-v1-abc...xyz', usage: 0, limit: null, is_free_tier: false }, name: 'test key', api_key_blocked: false }, common);
    }
    if (!isChat) return e(404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error', 'unknown_url');
    if (!stream) {
      return json(res, 200, {
        id: 'chatcmpl-fake1', object: 'chat.completion', created: 1767225600, model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: 'OK', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 11, completion_tokens: 1, total_tokens: 12 },
      }, { ...common, ...limits });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...common, ...limits });
    res.write(chunk('chatcmpl-fake2', { role: 'assistant', content: '' }, null));
    res.write(chunk('chatcmpl-fake2', { content: 'O' }, null));
    // Headers and a first chunk, then silence: only a deadline on the whole stream ends it.
    if (scenario === 'stall-stream') return;
    if (scenario === 'mid-stream') {
      res.end(`data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } })}\n\n`);
      return;
    }
    res.write(chunk('chatcmpl-fake2', { content: 'K' }, null));
    res.write(chunk('chatcmpl-fake2', {}, 'stop'));
    res.end('data: [DONE]\n\n');
  };

  const released = new Set<string>();
  let held: Array<{ key: string; answer: () => void }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const key = sentKey(req) ?? '';
      if (scenarios.get(key) === 'held' && !released.has(key)) held.push({ key, answer: () => handle(req, res, body) });
      else handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const minted = new Map<string, number>();
  return {
    release(key) {
      released.add(key);
      const waiting = held.filter((h) => h.key === key);
      held = held.filter((h) => h.key !== key);
      for (const h of waiting) h.answer();
    },
    port,
    baseURL: `http://127.0.0.1:${port}/v1`,
    key(scenario, kind = 'openai-project') {
      // A different seed per call, so each test's key is its own (and its canary is unique).
      const n = (minted.get(scenario) ?? 0) + 1;
      minted.set(scenario, n);
      const seed = `${scenario}-${n}-${port}`;
      const key = kind === 'azure' ? pseudoRandom(32, HEX, seed) : fakeKey(kind, seed);
      scenarios.set(key, scenario);
      return key;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plain HTTP forward proxy (no CONNECT) on 127.0.0.1 that counts what it forwards. */
export interface CountingProxy {
  url: string;
  forwarded: number;
  close(): Promise<void>;
}

/** Starts the forward proxy; requests arrive with absolute URLs and are replayed to their target. */
export async function startCountingProxy(): Promise<CountingProxy> {
  const { request } = await import('node:http');
  const proxy: CountingProxy = { url: '', forwarded: 0, close: async () => undefined };
  const server = createServer((req, res) => {
    proxy.forwarded += 1;
    const target = new URL(req.url ?? '/');
    const upstream = request(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('proxy: upstream failed');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** Starts one fake provider for a test file (closed after it); the returned view reads the running server. */
export function useFakeProvider(): Pick<FakeProvider, 'key' | 'release'> & { readonly baseURL: string; readonly port: number; readonly requests: SeenRequest[] } {
  let fake: FakeProvider | undefined;
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake?.close();
  });
  const running = (): FakeProvider => {
    if (!fake) throw new Error('the fake provider is used outside a test');
    return fake;
  };
  return {
    key: (scenario, kind) => running().key(scenario, kind),
    release: (key) => running().release(key),
    get baseURL() {
      return running().baseURL;
    },
    get port() {
      return running().port;
    },
    get requests() {
      return running().requests;
    },
  };
}
