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

  it('invalid key stops after auth', async () => {
    const results = await runLiveCalls(['auth', 'sync', 'async'], target('invalid-key'), deps);
    expect(results[0]!.call).toMatchObject({ ok: false, status: 401, rule: 'permission.invalid-key' });
    expect(results[1]!.call.skipped).toBe(true);
    console.log(JSON.stringify(results[0]!.finding, null, 2));
  });
});
