import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AzureOpenAI, type ClientOptions } from 'openai';
import type { Finding } from '../core/finding.js';
import type { CallReport } from '../core/report.js';
import type { Secret } from '../core/secret.js';
import { makeFinding } from '../core/rules.js';
import { identifyKey } from '../providers/index.js';
import { classifyFailure, type ClassifyContext } from './classify.js';
import { scrubMessage } from './scrub.js';
import type { LiveFetch, Transport } from './transport.js';
import type { CallName, Failure, LiveTarget } from './types.js';

/** What the runner takes from the outside world. */
export interface LiveDeps {
  transport: Transport;
  now: () => Date;
  /** Monotonic milliseconds, for latencies. */
  clock: () => number;
}

/** One test call: its entry of the report's `calls` and, when it failed, the finding that explains it. */
export interface CallResult {
  call: CallReport;
  finding: Finding | null;
}

/** Told when a call starts (`result` null) and when it ends: views show calls as they happen. */
export type CallListener = (event: { index: number; name: CallName; result: CallResult | null }) => void;

/** Requests in flight during the `async` call: a few at once surface limits a single call hides. */
export const CONCURRENT_STREAMS = 3;

/** After these, the remaining calls would fail the same way, so they are not made. */
const CONTINUE_AFTER = new Set(['permission.missing-scope', 'permission.rate-limit', 'permission.server', 'permission.model-access']);

/** One HTTP exchange as the SDK's fetch saw it; the body is kept only when it is not the expected JSON or SSE. */
interface Exchange {
  status: number;
  headers: Record<string, string>;
  contentType: string;
  body: string | null;
}

/** A 2xx answer that is not the API's JSON (an HTML page behind a 200, for example). */
class NotApiAnswer extends Error {
  constructor(readonly exchange: Exchange) {
    super('not an API answer');
  }
}

/** Thrown when keyward's own deadline for a whole stream ran out. */
class StreamDeadline extends Error {}

interface Probe {
  status: number;
  headers: Record<string, string>;
  model?: string;
  ttftMs?: number;
  chunks?: number;
}

/** The request line shown for a call: `GET /models`, `POST /chat/completions stream`. */
export function describeRequest(name: CallName, target: LiveTarget): string {
  if (name === 'sync') return 'POST /chat/completions';
  if (name === 'async') return 'POST /chat/completions stream';
  if (target.provider.id === 'azure-openai') return 'GET /openai/models';
  return `GET ${(target.provider.api.authPath ?? '/models').replace(/\?.*$/, '')}`;
}

/**
 * Runs the named calls in order. A failure that the next calls would repeat (a bad key, no
 * network) stops the run; the calls not made are reported with `skipped: true`. Findings with
 * the same rule are reported once.
 */
export async function runLiveCalls(
  names: readonly CallName[],
  target: LiveTarget,
  deps: LiveDeps,
  listener?: CallListener,
): Promise<CallResult[]> {
  const results: CallResult[] = [];
  let stopped: CallResult | null = null;
  for (const [index, name] of names.entries()) {
    if (stopped) {
      const result: CallResult = {
        call: { name, provider: target.provider.id, request: describeRequest(name, target), ok: false, status: null, latencyMs: 0, skipped: true },
        finding: null,
      };
      results.push(result);
      listener?.({ index, name, result });
      continue;
    }
    listener?.({ index, name, result: null });
    const result = await runLiveCall(name, target, deps);
    if (result.finding && results.some((r) => r.finding?.rule === result.finding?.rule)) result.finding = null;
    results.push(result);
    listener?.({ index, name, result });
    if (!result.call.ok && !CONTINUE_AFTER.has(result.call.rule ?? '')) stopped = result;
  }
  return results;
}

function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** Makes one call and classifies its failure; never throws for anything the network or server does. */
export async function runLiveCall(name: CallName, target: LiveTarget, deps: LiveDeps): Promise<CallResult> {
  const request = describeRequest(name, target);
  const started = deps.clock();
  const base = { name, provider: target.provider.id, request };
  const ctx: ClassifyContext = {
    provider: target.provider,
    call: name,
    request,
    baseURL: target.baseURL,
    model: target.model,
    timeoutMs: target.timeoutMs,
    key: target.key,
    origin: target.origin,
    organization: target.organization,
    project: target.project,
    proxy: deps.transport.proxyFor(target.baseURL),
    now: deps.now(),
  };
  if (!target.key) return fail(base, null, 0, { kind: 'no-key' }, ctx, target);
  if (!isHttpUrl(target.baseURL)) return fail(base, null, 0, { kind: 'bad-base-url' }, ctx, target);
  try {
    const probe = name === 'auth' ? await callAuth(target, deps) : name === 'sync' ? await callSync(target, deps) : await callAsync(target, deps, started);
    const call: CallReport = {
      ...base,
      ok: true,
      status: probe.status,
      latencyMs: Math.round(deps.clock() - started),
      ...(probe.headers['x-request-id'] ? { requestId: scrubMessage(probe.headers['x-request-id'], target.key) } : {}),
      ...(probe.model ? { model: scrubMessage(probe.model, target.key) } : {}),
      ...(probe.ttftMs !== undefined ? { ttftMs: probe.ttftMs, chunks: probe.chunks, concurrent: CONCURRENT_STREAMS } : {}),
      ...rateLimitOf(probe.headers, target.key),
    };
    return { call, finding: null };
  } catch (error) {
    const { failure, exchange } = toFailure(error);
    return fail(base, exchange, Math.round(deps.clock() - started), failure, ctx, target);
  }
}

function fail(
  base: Pick<CallReport, 'name' | 'provider' | 'request'>,
  exchange: Exchange | null,
  latencyMs: number,
  failure: Failure,
  ctx: ClassifyContext,
  target: LiveTarget,
): CallResult {
  const d = classifyFailure(failure, ctx);
  const key = target.key;
  const scrub = (s: string): string => scrubMessage(s, key);
  const finding = makeFinding(d.rule, {
    ...(d.severity ? { severity: d.severity } : {}),
    title: scrub(d.title),
    detail: scrub(d.detail),
    fix: scrub(d.fix),
    ...(key
      ? {
          secret: {
            provider: target.provider.id,
            kind: identifyKey(key.reveal(), target.provider)?.format.kind ?? 'unknown',
            fingerprint: key.fingerprint,
            redacted: key.redacted,
            active: true,
          },
        }
      : {}),
  });
  const status = failure.kind === 'http' ? failure.status : (exchange?.status ?? null);
  const call: CallReport = {
    ...base,
    ok: false,
    status,
    latencyMs,
    ...(exchange?.headers['x-request-id'] ? { requestId: scrub(exchange.headers['x-request-id']) } : {}),
    rule: d.rule,
    ...(failure.kind === 'stream' ? { chunks: failure.chunks } : {}),
    ...(exchange ? rateLimitOf(exchange.headers, key) : {}),
  };
  return { call, finding };
}

/** The `x-ratelimit-*` headers as numbers and reset strings (scrubbed: the server wrote them), under `rateLimit`; nothing when absent. */
function rateLimitOf(headers: Record<string, string>, key: Secret | null): { rateLimit?: Record<string, number | string> } {
  const out: Record<string, number | string> = {};
  for (const [header, field] of [
    ['x-ratelimit-remaining-requests', 'remainingRequests'],
    ['x-ratelimit-remaining-tokens', 'remainingTokens'],
    ['x-ratelimit-limit-requests', 'limitRequests'],
    ['x-ratelimit-limit-tokens', 'limitTokens'],
    ['x-ratelimit-reset-requests', 'resetRequests'],
    ['x-ratelimit-reset-tokens', 'resetTokens'],
  ] as const) {
    const v = headers[header];
    if (v === undefined) continue;
    out[field] = field.startsWith('reset') || Number.isNaN(Number(v)) ? scrubMessage(v, key) : Number(v);
  }
  return Object.keys(out).length ? { rateLimit: out } : {};
}

/** Bodies the SDK may not keep (non-OpenAI shapes), by the response's headers object, which SDK errors carry. */
const recordedBodies = new WeakMap<object, string>();

/** Wraps fetch to keep each answer's status, headers and (for errors and non-API answers) body. */
function recording(fetch: LiveFetch, log: Exchange[]): LiveFetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    const contentType = headers['content-type'] ?? '';
    const expected = /json|event-stream/i.test(contentType);
    const body = !response.ok || !expected ? await response.clone().text().catch(() => '') : null;
    if (body !== null) recordedBodies.set(response.headers, body);
    log.push({ status: response.status, headers, contentType, body });
    return response;
  };
}

interface Client {
  client: OpenAI;
  log: Exchange[];
}

function makeClient(target: LiveTarget, deps: LiveDeps): Client {
  const log: Exchange[] = [];
  const common = {
    apiKey: target.key?.reveal() ?? '',
    maxRetries: 0,
    timeout: target.timeoutMs,
    fetch: recording(deps.transport.fetch, log),
    fetchOptions: (deps.transport.dispatcher ? { dispatcher: deps.transport.dispatcher } : {}) as ClientOptions['fetchOptions'],
    // The SDK would otherwise read OPENAI_LOG, OPENAI_ADMIN_KEY and the webhook secret from the process.
    logLevel: 'off' as const,
    adminAPIKey: null,
    webhookSecret: null,
  };
  if (target.provider.id === 'azure-openai') {
    const apiVersion = /api-version=([^&]+)/.exec(target.provider.api.authPath ?? '')?.[1] ?? '2024-10-21';
    return { client: new AzureOpenAI({ ...common, endpoint: target.baseURL, apiVersion }), log };
  }
  const client = new OpenAI({
    ...common,
    baseURL: target.baseURL,
    organization: target.organization?.value ?? null,
    project: target.project?.value ?? null,
  });
  return { client, log };
}

function lastExchange(log: Exchange[]): Exchange {
  return log.at(-1) ?? { status: 0, headers: {}, contentType: '', body: null };
}

/** A 2xx that is not JSON did not come from the API. */
function expectJson(log: Exchange[]): Exchange {
  const ex = lastExchange(log);
  if (!/json/i.test(ex.contentType)) throw new NotApiAnswer(ex);
  return ex;
}

async function callAuth(target: LiveTarget, deps: LiveDeps): Promise<Probe> {
  const { client, log } = makeClient(target, deps);
  const path = target.provider.api.authPath ?? '/models';
  if (path === '/models' || target.provider.id === 'azure-openai') await client.models.list();
  else await client.get(path);
  const ex = expectJson(log);
  return { status: ex.status, headers: ex.headers };
}

const PROMPT = [{ role: 'user' as const, content: 'Reply with OK.' }];

async function callSync(target: LiveTarget, deps: LiveDeps): Promise<Probe> {
  const { client, log } = makeClient(target, deps);
  const completion = await client.chat.completions.create({ model: target.model, messages: PROMPT, max_tokens: 5 });
  const ex = expectJson(log);
  return { status: ex.status, headers: ex.headers, model: completion.model };
}

/** One streamed completion; `started` is the moment the call began, for the time to first token. */
async function streamOnce(target: LiveTarget, deps: LiveDeps, started: number): Promise<Probe> {
  const { client, log } = makeClient(target, deps);
  const deadline = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    deadline.abort();
  }, target.timeoutMs);
  let chunks = 0;
  try {
    const stream = await client.chat.completions.create(
      { model: target.model, messages: PROMPT, max_tokens: 5, stream: true },
      { signal: deadline.signal },
    );
    const ex = lastExchange(log);
    if (/html/i.test(ex.contentType)) throw new NotApiAnswer(ex);
    let ttftMs: number | undefined;
    let model: string | undefined;
    try {
      for await (const chunk of stream) {
        chunks += 1;
        model ??= chunk.model;
        if (ttftMs === undefined && (chunk.choices[0]?.delta?.content ?? '') !== '') ttftMs = Math.round(deps.clock() - started);
      }
    } catch (error) {
      throw expired ? new StreamDeadline() : Object.assign(asError(error), { chunksBeforeError: chunks });
    }
    // An abort can end the iteration quietly instead of throwing.
    if (expired) throw new StreamDeadline();
    return { status: ex.status, headers: ex.headers, model, ttftMs: ttftMs ?? Math.round(deps.clock() - started), chunks };
  } catch (error) {
    if (expired && !(error instanceof StreamDeadline)) throw new StreamDeadline();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function callAsync(target: LiveTarget, deps: LiveDeps, started: number): Promise<Probe> {
  const runs = Array.from({ length: CONCURRENT_STREAMS }, () => streamOnce(target, deps, started));
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return (settled[0] as PromiseFulfilledResult<Probe>).value;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** The chain of `.cause`s (and an AggregateError's members), the error first. */
function causeChain(error: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const queue: unknown[] = [error];
  while (queue.length && out.length < 12) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null) continue;
    const rec = e as Record<string, unknown>;
    out.push(rec);
    if ('cause' in rec) queue.push(rec.cause);
    if (Array.isArray(rec.errors)) queue.push(...(rec.errors as unknown[]));
  }
  return out;
}

/** Turns whatever the SDK threw into the classifier's input, with the HTTP exchange behind it. */
function toFailure(error: unknown): { failure: Failure; exchange: Exchange | null } {
  if (error instanceof NotApiAnswer) {
    const ex = error.exchange;
    return { failure: { kind: 'http', status: ex.status, headers: ex.headers, contentType: ex.contentType, body: ex.body ?? '' }, exchange: ex };
  }
  if (error instanceof StreamDeadline) return { failure: { kind: 'timeout', stage: 'stream' }, exchange: null };
  const chain = causeChain(error);
  const messages = chain.map((e) => (typeof e.message === 'string' ? e.message : '')).filter(Boolean);
  const byteString = messages.find((m) => /ByteString/.test(m));
  if (byteString) {
    // The index counts from the start of the header value, `Bearer ` included.
    const at = /index (\d+)/.exec(byteString)?.[1];
    return { failure: { kind: 'key-charset', index: at === undefined ? null : Math.max(0, Number(at) - 'Bearer '.length) }, exchange: null };
  }
  if (error instanceof APIConnectionTimeoutError) return { failure: { kind: 'timeout', stage: 'response' }, exchange: null };
  if (error instanceof APIConnectionError) {
    const codes = [...new Set(chain.map((e) => (typeof e.code === 'string' ? e.code : '')).filter(Boolean))];
    return { failure: { kind: 'connection', codes, messages }, exchange: null };
  }
  if (error instanceof APIUserAbortError) return { failure: { kind: 'timeout', stage: 'stream' }, exchange: null };
  if (error instanceof APIError) {
    if (error.status === undefined) {
      const chunks = (error as unknown as { chunksBeforeError?: number }).chunksBeforeError ?? 0;
      const inner: unknown = error.error;
      // The stream began with a 200; its headers (request id, limits) are the error's.
      const ex = error.headers ? { ...exchangeFromError(error), status: 200 } : null;
      return { failure: { kind: 'stream', body: typeof inner === 'object' && inner !== null ? { error: inner } : inner, chunks }, exchange: ex };
    }
    const ex = error.headers ? exchangeFromError(error) : null;
    return {
      failure: { kind: 'http', status: error.status, headers: ex?.headers ?? {}, contentType: ex?.contentType ?? '', body: ex?.body ?? JSON.stringify({ error: error.error ?? null }) },
      exchange: ex,
    };
  }
  return { failure: { kind: 'unexpected', message: messages[0] ?? String(error) }, exchange: null };
}

/** The recorded exchange of an SDK error: its headers object is the response's, which `recording` keyed the body by. */
function exchangeFromError(error: APIError): Exchange {
  const headers: Record<string, string> = {};
  error.headers?.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { status: error.status ?? 0, headers, contentType: headers['content-type'] ?? '', body: error.headers ? (recordedBodies.get(error.headers) ?? null) : null };
}
