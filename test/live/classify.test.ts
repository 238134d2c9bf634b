import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/core/rules.js';
import { Secret } from '../../src/core/secret.js';
import { findProvider, redactionPrefix } from '../../src/providers/index.js';
import { classifyFailure, readEchoedKey, withV1, type ClassifyContext } from '../../src/live/classify.js';
import { parseResetDuration } from '../../src/live/durations.js';
import { scrubMessage } from '../../src/live/scrub.js';
import type { Failure } from '../../src/live/types.js';
import { openaiMask } from '../support/fake-provider.js';
import { fakeKey } from '../support/keys.js';

const KEY = fakeKey('openai-project', 'classify');
const secret = new Secret(KEY, 'sk-proj-');

function ctx(over: Partial<ClassifyContext> = {}, providerId = 'openai'): ClassifyContext {
  const provider = findProvider(providerId)!;
  return {
    provider,
    call: 'auth',
    request: 'GET /models',
    baseURL: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    timeoutMs: 15_000,
    key: secret,
    origin: { variable: 'OPENAI_API_KEY', source: 'env', file: null, shadows: [{ source: 'dotenv', file: '.env' }] },
    organization: null,
    project: null,
    proxy: null,
    now: new Date('2026-01-01T12:00:00Z'),
    ...over,
  };
}

const JSON_CT = 'application/json';
function http(status: number, body: unknown, headers: Record<string, string> = {}, contentType = JSON_CT): Failure {
  return { kind: 'http', status, headers, contentType, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
function oai(status: number, message: string, type: string | null, code: string | null, headers: Record<string, string> = {}): Failure {
  return http(status, { error: { message, type, param: null, code } }, headers);
}

interface Row {
  name: string;
  failure: Failure;
  rule: string;
  severity?: string;
  /** Words the title, detail or fix must contain. */
  says?: RegExp[];
  ctx?: Partial<ClassifyContext>;
  provider?: string;
}

const rows: Row[] = [
  { name: '401 invalid_api_key, echo matches', failure: oai(401, `Incorrect API key provided: ${openaiMask(KEY)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key'), rule: 'permission.invalid-key', severity: 'critical', says: [/echoed the same prefix/, /OPENAI_API_KEY from the environment/, /unset OPENAI_API_KEY/] },
  { name: '401 invalid_api_key, another key echoed', failure: oai(401, `Incorrect API key provided: ${openaiMask(fakeKey('openai-project', 'other'))}.`, 'invalid_request_error', 'invalid_api_key'), rule: 'permission.invalid-key', says: [/received another key/, /stale shell export/] },
  { name: '401 echo of undefined', failure: oai(401, 'Incorrect API key provided: undefined. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key'), rule: 'permission.invalid-key', says: [/"undefined" instead of a key/] },
  { name: '401 no key sent (proxy stripped it)', failure: oai(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error', null), rule: 'permission.no-key-sent', says: [/forward the `Authorization: Bearer` header/] },
  { name: '401 mismatched_organization names OPENAI_ORG_ID', failure: oai(401, 'OpenAI-Organization header should match organization for API key', 'invalid_request_error', 'mismatched_organization'), rule: 'permission.org-mismatch', ctx: { organization: { variable: 'OPENAI_ORG_ID', value: 'org-other' } }, says: [/Unset OPENAI_ORG_ID/, /org-other/] },
  { name: '401 mismatched_project names OPENAI_PROJECT_ID', failure: oai(401, 'OpenAI-Project header should match project for API key', 'invalid_request_error', 'mismatched_project'), rule: 'permission.project-mismatch', ctx: { project: { variable: 'OPENAI_PROJECT_ID', value: 'proj_other' } }, says: [/Unset OPENAI_PROJECT_ID/] },
  { name: '401 ip_not_authorized', failure: oai(401, 'Your IP is not authorized to access this organization.', 'invalid_request_error', 'ip_not_authorized'), rule: 'permission.ip-not-allowed', says: [/IP allowlist/] },
  { name: '401 IP message without code', failure: oai(401, 'Your IP is not authorized to make this request.', 'invalid_request_error', null), rule: 'permission.ip-not-allowed' },
  { name: '401 missing scope model.request', failure: oai(401, 'You have insufficient permissions for this operation. Missing scopes: model.request. Check that you have the correct role.', 'invalid_request_error', null), rule: 'permission.missing-scope', severity: 'high', says: [/model\.request/, /Model capabilities → Request/, /not a billing problem/] },
  { name: '401 missing only api.model.read: medium, inference works', failure: oai(401, 'You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role.', 'invalid_request_error', null), rule: 'permission.missing-scope', severity: 'medium', says: [/Key valid, model listing blocked/, /inference works/] },
  { name: '403 missing scope (OAuth token at /models)', failure: oai(403, 'You have insufficient permissions for this operation. Missing scopes: api.model.read.', 'invalid_request_error', null), rule: 'permission.missing-scope', severity: 'medium' },
  { name: '403 region', failure: oai(403, 'Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory'), rule: 'permission.region', says: [/VPN/] },
  { name: '404 model_not_found', failure: oai(404, 'The model `gpt-x` does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'), rule: 'permission.model-access', ctx: { model: 'gpt-x', call: 'sync' }, says: [/gpt-x/] },
  { name: '404 unknown_url on a base URL without /v1', failure: oai(404, 'Invalid URL (GET /models)', 'invalid_request_error', 'unknown_url'), rule: 'permission.base-url', ctx: { baseURL: 'https://api.openai.com' }, says: [/lacks \/v1/, /OPENAI_BASE_URL or --base-url to https:\/\/api\.openai\.com\/v1/] },
  { name: '404 HTML page', failure: http(404, '<!DOCTYPE html><html><head><title>Not Found</title></head></html>', {}, 'text/html'), rule: 'permission.base-url', says: [/HTML page/] },
  { name: '404 empty body', failure: http(404, ''), rule: 'permission.base-url', says: [/empty body/] },
  { name: '200 HTML (captive portal)', failure: http(200, '<html><head><title>Hotel WiFi</title></head></html>', {}, 'text/html'), rule: 'permission.base-url', says: [/Hotel WiFi/] },
  { name: '429 insufficient_quota', failure: oai(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'), rule: 'permission.quota', says: [/retrying will not help/] },
  { name: '429 insufficient_quota with code null (older)', failure: oai(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', null), rule: 'permission.quota' },
  { name: '429 credit_balance_exhausted', failure: oai(429, 'Your credit balance is exhausted.', 'insufficient_quota', 'credit_balance_exhausted'), rule: 'permission.quota' },
  { name: '429 organization_spend_limit_exceeded', failure: oai(429, 'Spend limit reached.', 'insufficient_quota', 'organization_spend_limit_exceeded'), rule: 'permission.quota' },
  { name: '429 project_spend_limit_exceeded', failure: oai(429, 'Spend limit reached.', 'insufficient_quota', 'project_spend_limit_exceeded'), rule: 'permission.quota' },
  { name: '429 organization_usage_limit_exceeded', failure: oai(429, 'Usage limit reached.', 'insufficient_quota', 'organization_usage_limit_exceeded'), rule: 'permission.quota' },
  { name: '429 rate_limit_exceeded with reset headers', failure: oai(429, 'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms.', 'tokens', 'rate_limit_exceeded', { 'x-ratelimit-remaining-tokens': '63', 'x-ratelimit-limit-tokens': '30000', 'x-ratelimit-reset-tokens': '6m0s' }), rule: 'permission.rate-limit', severity: 'medium', says: [/tokens reset in 6m 0s \(12:06:00 UTC\)/, /63 of 30000 tokens/] },
  { name: '429 rate limit, reset only in the message', failure: oai(429, 'Rate limit reached for gpt-4o on requests per min (RPM): Limit 3. Please try again in 20s.', 'requests', 'rate_limit_exceeded'), rule: 'permission.rate-limit', says: [/retry allowed in 20s \(12:00:20 UTC\)/] },
  { name: '429 request too large', failure: oai(429, 'Request too large for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000, Requested 31538.', 'tokens', 'rate_limit_exceeded'), rule: 'permission.rate-limit', says: [/Shrink the input/] },
  { name: '429 slow_down', failure: oai(429, 'Please reduce the rate of your requests.', 'rate_limit_error', 'slow_down'), rule: 'permission.rate-limit' },
  { name: '500 server_error', failure: oai(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, { 'x-request-id': 'req_abc' }), rule: 'permission.server', says: [/req_abc/] },
  { name: '503 overloaded', failure: oai(503, 'The engine is currently overloaded, please try again later.', 'service_unavailable_error', 'server_is_overloaded'), rule: 'permission.server' },
  { name: '502 HTML from a gateway', failure: http(502, '<html><head><title>502 Bad Gateway</title></head></html>', {}, 'text/html'), rule: 'permission.server', says: [/gateway answered with an HTML page/] },
  { name: '401 account_deactivated', failure: oai(401, 'This key is associated with a deactivated account. If you feel this is an error, contact us through our help center at help.openai.com.', 'invalid_request_error', 'account_deactivated'), rule: 'permission.account', severity: 'critical' },
  { name: '401 no_organization', failure: oai(401, 'You must be a member of an organization to use the API.', 'invalid_request_error', 'no_organization'), rule: 'permission.account' },
  { name: 'mid-stream error event', failure: { kind: 'stream', body: { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }, chunks: 2 }, rule: 'permission.server', says: [/after 2 chunks/] },
  { name: 'mid-stream rate limit event', failure: { kind: 'stream', body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, chunks: 0 }, rule: 'permission.rate-limit' },
  { name: 'Gemini 400 JSON array API_KEY_INVALID', provider: 'gemini', failure: http(400, [{ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } }]), rule: 'permission.invalid-key', says: [/API key not valid/] },
  { name: 'Gemini 403 SERVICE_DISABLED', provider: 'gemini', failure: http(403, [{ error: { code: 403, message: 'Generative Language API has not been used in project 411082643095 before or it is disabled.', status: 'PERMISSION_DENIED', details: [{ reason: 'SERVICE_DISABLED' }] } }]), rule: 'permission.missing-scope', says: [/^The Generative Language API is off in the key's Google Cloud project \(403 SERVICE_DISABLED\)$/m, /Enable the Generative Language API for that project/] },
  { name: 'Gemini 403 API_KEY_SERVICE_BLOCKED', provider: 'gemini', failure: http(403, { error: { code: 403, message: 'Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.', status: 'PERMISSION_DENIED', details: [{ reason: 'API_KEY_SERVICE_BLOCKED' }] } }), rule: 'permission.missing-scope', says: [/^The key's API restrictions leave out the Generative Language API \(403 API_KEY_SERVICE_BLOCKED\)$/m, /add the Generative Language API to the key's API restrictions/] },
  { name: 'Gemini 403 API_KEY_HTTP_REFERRER_BLOCKED', provider: 'gemini', failure: http(403, { error: { code: 403, message: 'Requests from referer <empty> are blocked.', status: 'PERMISSION_DENIED', details: [{ reason: 'API_KEY_HTTP_REFERRER_BLOCKED' }] } }), rule: 'permission.ip-not-allowed', says: [/^The key accepts calls only from its websites \(403 API_KEY_HTTP_REFERRER_BLOCKED\)$/m, /without a website or app restriction/] },
  { name: 'Gemini 403 CONSUMER_SUSPENDED', provider: 'gemini', failure: http(403, { error: { code: 403, message: "Permission denied: Consumer 'api_key:x' has been suspended.", status: 'PERMISSION_DENIED', details: [{ reason: 'CONSUMER_SUSPENDED' }] } }), rule: 'permission.account', says: [/^Google suspended the key's project \(403 CONSUMER_SUSPENDED\)$/m] },
  { name: 'Mistral 401 {"message"}', provider: 'mistral', failure: http(401, { message: 'Unauthorized', request_id: 'abc' }), rule: 'permission.invalid-key' },
  { name: 'Mistral 401 {"detail"}', provider: 'mistral', failure: http(401, { detail: 'Unauthorized' }), rule: 'permission.invalid-key' },
  { name: 'vLLM 401 string error', failure: http(401, { error: 'Unauthorized' }), rule: 'permission.invalid-key' },
  { name: 'xAI 400 string error with echo', provider: 'xai', failure: http(400, { code: 'Some requested entity was not found', error: 'Incorrect API key provided: xa***ab. You can obtain an API key from https://console.x.ai.' }), rule: 'permission.invalid-key', says: [/another key/] },
  { name: 'Azure 401 {"error":{"code":"401"}}', provider: 'azure-openai', failure: http(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } }), rule: 'permission.invalid-key', says: [/check the endpoint too/] },
  { name: 'Azure 404 DeploymentNotFound', provider: 'azure-openai', failure: http(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist.' } }), rule: 'permission.model-access' },
  { name: 'OpenRouter 402 insufficient credits', provider: 'openrouter', failure: http(402, { error: { message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits', code: 402 } }), rule: 'permission.quota' },
  { name: 'OpenRouter 401 no auth credentials', provider: 'openrouter', failure: http(401, { error: { message: 'No auth credentials found', code: 401 } }), rule: 'permission.no-key-sent' },
  { name: 'OpenRouter 401 user not found', provider: 'openrouter', failure: http(401, { error: { message: 'User not found.', code: 401 } }), rule: 'permission.invalid-key' },
  { name: 'DeepSeek 402 insufficient balance', provider: 'deepseek', failure: http(402, { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } }), rule: 'permission.quota' },
  { name: 'DeepSeek 401 authentication fails', provider: 'deepseek', failure: http(401, { error: { message: 'Authentication Fails, Your api key: ****abcd is invalid', type: 'authentication_error', param: null, code: 'invalid_request_error' } }), rule: 'permission.invalid-key' },
  { name: 'Anthropic native 401', provider: 'anthropic', failure: http(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' }, request_id: 'req_1' }), rule: 'permission.invalid-key' },
  { name: 'Ollama 404 model missing', failure: http(404, { error: { message: 'model "llama3" not found, try pulling it first', type: 'api_error', param: null, code: null } }), rule: 'permission.model-access' },
  { name: 'DNS failure', failure: { kind: 'connection', codes: ['ENOTFOUND'], messages: ['fetch failed', 'getaddrinfo ENOTFOUND api.openai.con'] }, rule: 'permission.network', says: [/DNS/] },
  { name: 'connection refused', failure: { kind: 'connection', codes: ['ECONNREFUSED'], messages: ['fetch failed', 'connect ECONNREFUSED 127.0.0.1:9'] }, rule: 'permission.network', says: [/refused/] },
  { name: 'connection refused by the proxy', failure: { kind: 'connection', codes: ['ECONNREFUSED'], messages: ['connect ECONNREFUSED 127.0.0.1:3128'] }, ctx: { proxy: 'http://127.0.0.1:3128' }, rule: 'permission.network', says: [/the proxy http:\/\/127\.0\.0\.1:3128/, /NO_PROXY/] },
  { name: 'TLS interception', failure: { kind: 'connection', codes: ['SELF_SIGNED_CERT_IN_CHAIN'], messages: ['self-signed certificate in certificate chain'] }, rule: 'permission.network', says: [/NODE_EXTRA_CA_CERTS/] },
  { name: 'dropped connection', failure: { kind: 'connection', codes: ['UND_ERR_SOCKET'], messages: ['other side closed'] }, rule: 'permission.network', says: [/dropped/] },
  { name: 'proxy tunnel refused', failure: { kind: 'connection', codes: [], messages: ['Proxy response (407) !== 200 when HTTP Tunneling'] }, ctx: { proxy: 'http://proxy:3128' }, rule: 'permission.network', says: [/proxy/] },
  { name: 'connect timeout', failure: { kind: 'connection', codes: ['UND_ERR_CONNECT_TIMEOUT'], messages: ['Connect Timeout Error'] }, rule: 'permission.timeout' },
  { name: 'response timeout', failure: { kind: 'timeout', stage: 'response' }, rule: 'permission.timeout', says: [/within 15s/] },
  { name: 'stream stalled', failure: { kind: 'timeout', stage: 'stream' }, rule: 'permission.timeout', says: [/stalled/] },
  { name: 'non-Latin-1 character in the key', failure: { kind: 'key-charset', index: 8 }, rule: 'missing.malformed', says: [/character 9/, /masked/] },
  { name: 'no key configured', failure: { kind: 'no-key' }, rule: 'missing.key', ctx: { key: null, origin: null }, says: [/OPENAI_API_KEY/] },
  { name: '400 other request error', failure: oai(400, "Unsupported parameter: 'max_tokens'", 'invalid_request_error', 'unsupported_parameter'), rule: 'permission.base-url' },
  { name: '403 other', failure: oai(403, 'Forbidden', 'permission_error', null), rule: 'permission.missing-scope' },
];

describe('classifyFailure', () => {
  it.each(rows)('$name -> $rule', (row) => {
    const c = ctx(row.ctx, row.provider);
    if (row.provider) c.key = new Secret(KEY, redactionPrefix(KEY));
    const d = classifyFailure(row.failure, c);
    expect(d.rule).toBe(row.rule);
    // The finding's severity: the classifier's own, else the rule's default.
    if (row.severity) expect(d.severity ?? RULES[d.rule].severity).toBe(row.severity);
    const text = `${d.title}\n${d.detail}\n${d.fix}`;
    for (const re of row.says ?? []) expect(text).toMatch(re);
    // Nothing of the key but its prefix and last four, whatever the server echoed.
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(8, 20));
  });

  it('never repeats a key the server echoed in full', () => {
    const d = classifyFailure(oai(401, `Incorrect API key provided: ${KEY}.`, 'invalid_request_error', 'invalid_api_key'), ctx());
    expect(`${d.title}${d.detail}${d.fix}`).not.toContain(KEY);
    expect(d.detail).toContain(secret.redacted);
  });
});

describe('helpers', () => {
  it('reads echoed keys', () => {
    expect(readEchoedKey('Incorrect API key provided: sk-proj-****abcd. You can')).toEqual({ head: 'sk-proj-', tail: 'abcd' });
    expect(readEchoedKey('Incorrect API key provided: xa***ab. You can')).toEqual({ head: 'xa', tail: 'ab' });
    expect(readEchoedKey('Authentication Fails, Your api key: ****abcd is invalid')).toEqual({ head: '', tail: 'abcd' });
    expect(readEchoedKey('Incorrect API key provided: undefined. You can')).toEqual({ literal: 'undefined' });
  });

  it('parses OpenAI reset durations', () => {
    expect(parseResetDuration('2ms')).toBe(2);
    expect(parseResetDuration('8.64s')).toBe(8640);
    expect(parseResetDuration('6m0s')).toBe(360_000);
    expect(parseResetDuration('1h2m3s')).toBe(3_723_000);
    expect(parseResetDuration('soon')).toBeUndefined();
  });

  it('adds /v1 only where the provider has it', () => {
    expect(withV1('http://127.0.0.1:8080', findProvider('openai')!)).toBe('http://127.0.0.1:8080/v1');
    expect(withV1('https://api.openai.com/v1', findProvider('openai')!)).toBeNull();
    expect(withV1('https://api.deepseek.com', findProvider('deepseek')!)).toBeNull();
  });

  it('scrubs the key, echoed masks and bearer tokens', () => {
    const text = `sent ${KEY}; echoed ${openaiMask(KEY)}; header Bearer ${KEY}`;
    const out = scrubMessage(text, secret);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('*');
    expect(out).toContain(`sk-proj-…${KEY.slice(-4)}`);
  });
});
