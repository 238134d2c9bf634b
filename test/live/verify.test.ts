import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { createGitRunner } from '../../src/git/git.js';
import type { LiveDeps } from '../../src/live/runner.js';
import { createTransport, type LiveFetch } from '../../src/live/transport.js';
import { VERIFY_CONCURRENCY, verifyExposedKeys } from '../../src/live/verify.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

const fake = useFakeProvider();

function literal(file: string, key: string, provider = 'openai'): Finding {
  return {
    rule: 'exposure.source-literal',
    category: 'exposure',
    severity: 'critical',
    title: `key in ${file}`,
    detail: 'seen',
    fix: 'rotate',
    location: { file, line: 1, column: 1, commit: null },
    secret: { provider, kind: 'project', fingerprint: fingerprint(key), redacted: 'sk-proj-…', active: false },
  };
}

describe('verifyExposedKeys', () => {
  it(`never has more than ${VERIFY_CONCURRENCY} auth calls in flight`, async () => {
    const keys = Array.from({ length: VERIFY_CONCURRENCY + 2 }, () => fake.key('ok'));
    const p = makeProject({ git: false });
    keys.forEach((k, i) => p.write(`k${i}.ts`, `const k = "${k}";\n`));
    const transport = createTransport({});
    // Each request waits until the pool is full (or every key has started): a pool without a bound
    // puts all six in flight, and a pool smaller than its bound never fills and times the test out.
    let inFlight = 0;
    let started = 0;
    let most = 0;
    let waiting: Array<() => void> = [];
    const gated: LiveFetch = async (input, init) => {
      inFlight += 1;
      started += 1;
      most = Math.max(most, inFlight);
      if (inFlight >= VERIFY_CONCURRENCY || started === keys.length) {
        for (const go of waiting) go();
        waiting = [];
      } else await new Promise<void>((go) => waiting.push(go));
      try {
        return await transport.fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    const deps: LiveDeps = { transport: { ...transport, fetch: gated }, now: () => new Date(), clock: () => performance.now() };
    try {
      const { counts } = await verifyExposedKeys(keys.map((k, i) => literal(`k${i}.ts`, k)), {
        root: p.dir,
        git: createGitRunner({ PATH: process.env.PATH }),
        env: { KEYWARD_VERIFY_BASE_URL_OPENAI: fake.baseURL },
        deps,
        timeoutMs: 5000,
      });
      expect(counts).toEqual({ live: keys.length, revoked: 0, unknown: 0 });
      expect(most).toBe(VERIFY_CONCURRENCY);
      expect(started).toBe(keys.length);
    } finally {
      await transport.close();
    }
  });

  // What the free auth call's answer says of a leaked key: rejected is revoked, accepted (or known
  // but refused for another reason) is live, anything that says nothing about the key is unknown.
  it.each([
    ['ok', 'live'],
    ['invalid-key', 'revoked'],
    ['ip-not-allowed', 'live'],
    ['scope-listing', 'live'],
    ['rate-limit', 'unknown'],
    ['server-error', 'unknown'],
    ['overloaded', 'unknown'],
    ['html-200', 'unknown'],
    ['drop', 'unknown'],
    ['slow', 'unknown'],
  ] as const)('%s -> %s', async (scenario, live) => {
    const key = fake.key(scenario);
    const p = makeProject({ git: false });
    p.write('k.ts', `const k = "${key}";\n`);
    const transport = createTransport({});
    try {
      const { findings } = await verifyExposedKeys([literal('k.ts', key)], {
        root: p.dir,
        git: createGitRunner({ PATH: process.env.PATH }),
        env: { KEYWARD_VERIFY_BASE_URL_OPENAI: fake.baseURL },
        deps: { transport, now: () => new Date(), clock: () => performance.now() },
        timeoutMs: 500,
      });
      expect(findings[0]!.secret?.live).toBe(live);
      expect(findings[0]!.severity).toBe('critical');
    } finally {
      await transport.close();
    }
  });

  it('a key that is no longer where the finding says is unknown, and no call is made', async () => {
    const key = fakeKey('openai-project', 'moved');
    const p = makeProject({ git: false });
    p.write('other.ts', 'nothing here\n');
    const before = fake.requests.length;
    const transport = createTransport({});
    try {
      const { findings } = await verifyExposedKeys([literal('other.ts', key)], {
        root: p.dir,
        git: createGitRunner({ PATH: process.env.PATH }),
        env: { KEYWARD_VERIFY_BASE_URL_OPENAI: fake.baseURL },
        deps: { transport, now: () => new Date(), clock: () => performance.now() },
        timeoutMs: 5000,
      });
      expect(findings[0]!.secret?.live).toBe('unknown');
      expect(findings[0]!.detail).toBe('seen Whether the key still works could not be checked (the key could not be read again from where it was found); treat it as live.');
      expect(fake.requests.length).toBe(before);
    } finally {
      await transport.close();
    }
  });

  it('a provider without a free call is unknown, and says so', async () => {
    const key = `pplx-${fakeKey('mistral', 'pplx')}${fakeKey('mistral', 'pplx2').slice(0, 16)}`;
    const p = makeProject({ git: false });
    p.write(join('src', 'p.ts'), `const k = "${key}";\n`);
    const transport = createTransport({});
    try {
      const { findings } = await verifyExposedKeys([literal('src/p.ts', key, 'perplexity')], {
        root: p.dir,
        git: createGitRunner({ PATH: process.env.PATH }),
        env: {},
        deps: { transport, now: () => new Date(), clock: () => performance.now() },
        timeoutMs: 5000,
      });
      expect(findings[0]!.secret?.live).toBe('unknown');
      expect(findings[0]!.detail).toContain('(Perplexity has no free call that checks a key)');
    } finally {
      await transport.close();
    }
  });
});
