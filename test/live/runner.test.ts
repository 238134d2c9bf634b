import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { findProvider, redactionPrefix } from '../../src/providers/index.js';
import { runLiveCalls, type LiveDeps } from '../../src/live/runner.js';
import { createTransport } from '../../src/live/transport.js';
import type { LiveTarget } from '../../src/live/types.js';
import { startFakeProvider, type FakeProvider, type Scenario } from '../support/fake-provider.js';
import type { FakeKind } from '../support/keys.js';

let fake: FakeProvider;
const transport = createTransport({});
const deps: LiveDeps = { transport, now: () => new Date('2026-01-01T12:00:00Z'), clock: () => performance.now() };

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
  await transport.close();
});

function target(scenario: Scenario, over: Partial<LiveTarget> = {}, kind: FakeKind = 'openai-project', providerId = 'openai'): LiveTarget {
  const provider = findProvider(providerId)!;
  const value = fake.key(scenario, kind);
  return {
    provider,
    key: new Secret(value, redactionPrefix(value, provider)),
    origin: { variable: provider.envVars[0]!, source: 'env', file: null, shadows: [] },
    baseURL: fake.baseURL,
    model: provider.api.defaultModel,
    timeoutMs: 5000,
    organization: null,
    project: null,
    ...over,
  };
}

describe('runLiveCalls against the fake provider', () => {
  it('ok: three calls with request id, model, rate limit, ttft and chunks', async () => {
    const results = await runLiveCalls(['auth', 'sync', 'async'], target('ok'), deps);
    expect(results.map((r) => r.call.ok)).toEqual([true, true, true]);
    expect(results[0]!.call).toMatchObject({ name: 'auth', request: 'GET /models', status: 200, requestId: expect.stringMatching(/^req_/) });
    expect(results[1]!.call).toMatchObject({ model: 'gpt-4o-mini-2024-07-18', rateLimit: { remainingRequests: 499 } });
    expect(results[2]!.call).toMatchObject({ chunks: 4, concurrent: 3, ttftMs: expect.any(Number) });
  });

  it('a failure the next calls would repeat stops the run; the rest are reported as skipped', async () => {
    const events: string[] = [];
    const results = await runLiveCalls(['auth', 'sync', 'async'], target('invalid-key'), deps, ({ name, result }) => {
      events.push(`${name}:${result === null ? 'start' : result.call.skipped ? 'skipped' : result.call.ok ? 'ok' : 'failed'}`);
    });
    expect(events).toEqual(['auth:start', 'auth:failed', 'sync:skipped', 'async:skipped']);
    expect(results[0]!.call).toMatchObject({ ok: false, status: 401, rule: 'permission.invalid-key' });
    expect(results.filter((r) => r.finding)).toHaveLength(1);
  });

  it('reports a rule once when several calls hit it', async () => {
    const results = await runLiveCalls(['auth', 'sync', 'async'], target('server-error'), deps);
    expect(results.map((r) => r.call.rule)).toEqual(['permission.server', 'permission.server', 'permission.server']);
    expect(results.filter((r) => r.finding)).toHaveLength(1);
  });

  it('sends the organization and project headers it is given, and no others', async () => {
    const before = fake.requests.length;
    await runLiveCalls(['auth'], target('ok', { organization: { variable: 'OPENAI_ORG_ID', value: 'org-1' } }), deps);
    await runLiveCalls(['auth'], target('ok'), deps);
    expect(fake.requests.slice(before).map((r) => [r.organization, r.project])).toEqual([['org-1', null], [null, null]]);
  });

  it('no answer within the timeout is a timeout', async () => {
    const results = await runLiveCalls(['auth'], target('slow', { timeoutMs: 200 }), deps);
    expect(results[0]!.call).toMatchObject({ status: null, rule: 'permission.timeout' });
    expect(results[0]!.finding!.title).toMatch(/^No answer from/);
  });

  it('a stream that starts and then stalls is a timeout of the stream', async () => {
    const results = await runLiveCalls(['async'], target('stall-stream', { timeoutMs: 300 }), deps);
    expect(results[0]!.call).toMatchObject({ rule: 'permission.timeout' });
    expect(results[0]!.finding!.title).toMatch(/^The stream did not finish/);
  });
});
