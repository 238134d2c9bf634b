import { describe, expect, it } from 'vitest';
import { identifyKey, PROVIDERS } from '../../src/providers/index.js';

// One table over every provider file's samples: each valid sample is recognised as its provider
// and kind (with and without the variable's hint, where the format has a prefix), each invalid
// one is not recognised as that provider.
const rows = PROVIDERS.flatMap((p) => [
  ...p.samples.valid.map((s, i) => ({ provider: p, label: `${p.id} valid #${i} (${s.kind})`, value: s.make(), kind: s.kind as string | null })),
  ...p.samples.invalid.map((v, i) => ({ provider: p, label: `${p.id} invalid #${i}`, value: v, kind: null })),
]);

describe('provider registry samples', () => {
  it.each(rows)('$label', ({ provider, value, kind }) => {
    const hinted = identifyKey(value, provider);
    if (kind === null) {
      expect(hinted?.provider.id === provider.id ? hinted.format.kind : null).toBeNull();
      return;
    }
    expect(hinted?.provider.id).toBe(provider.id);
    expect(hinted?.format.kind).toBe(kind);
    const format = hinted!.format;
    // A key with its own prefix or marker is recognised without knowing the variable.
    if (format.literals.length > 0) expect(identifyKey(value)?.provider.id).toBe(provider.id);
  });

  it('every provider has variables, a dashboard and at least one valid and one invalid sample', () => {
    for (const p of PROVIDERS) {
      expect(p.envVars.length, p.id).toBeGreaterThan(0);
      expect(p.dashboard.revoke, p.id).toMatch(/^https:\/\//);
      expect(p.samples.valid.length, p.id).toBeGreaterThan(0);
      expect(p.samples.invalid.length, p.id).toBeGreaterThan(0);
    }
  });

  it('does not take a prefix-less key for a provider without the hint', () => {
    const mistralKey = PROVIDERS.find((p) => p.id === 'mistral')!.samples.valid[0]!.make();
    expect(identifyKey(mistralKey)).toBeUndefined();
  });

  it('tells an Anthropic key in an OpenAI variable apart', () => {
    const openai = PROVIDERS.find((p) => p.id === 'openai')!;
    const anthropicKey = PROVIDERS.find((p) => p.id === 'anthropic')!.samples.valid[0]!.make();
    expect(identifyKey(anthropicKey, openai)?.provider.id).toBe('anthropic');
  });
});
