import { describe, expect, it } from 'vitest';
import { identifyKey, providerForName, PROVIDERS } from '../../src/providers/index.js';

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

describe('which variables each SDK reads', () => {
  it('every variable an SDK reads is one of its provider\'s variables, so a key there is collected', () => {
    for (const p of PROVIDERS) {
      for (const [sdk, variables] of [...Object.entries(p.packages.npm), ...Object.entries(p.packages.python)]) {
        for (const v of variables) expect(p.envVars, `${p.id} ${sdk}`).toContain(v);
      }
    }
  });

  it.each([
    ['@ai-sdk/google', 'npm', ['GOOGLE_GENERATIVE_AI_API_KEY']],
    ['@ai-sdk/cohere', 'npm', ['COHERE_API_KEY']],
    ['@ai-sdk/azure', 'npm', ['AZURE_API_KEY']],
    ['@ai-sdk/togetherai', 'npm', ['TOGETHER_API_KEY', 'TOGETHER_AI_API_KEY']],
    ['@ai-sdk/gateway', 'npm', ['AI_GATEWAY_API_KEY']],
    ['google-genai', 'python', ['GOOGLE_API_KEY', 'GEMINI_API_KEY']],
    ['cohere', 'python', ['CO_API_KEY', 'COHERE_API_KEY']],
  ] as const)('%s (%s) reads %j', (sdk, ecosystem, variables) => {
    const reads = PROVIDERS.flatMap((p) => (sdk in p.packages[ecosystem] ? [p.packages[ecosystem][sdk]] : []));
    expect(reads).toEqual([variables]);
  });
});

describe('providerForName: the provider of a variable an app names itself', () => {
  it.each([
    ['OPENAI_API_KEY', 'openai'],
    ['GOOGLE_GEMINI_API_KEY', 'gemini'],
    ['NEXT_PUBLIC_OPENAI_API_KEY', 'openai'],
    ['AZURE_OPENAI_KEY', 'azure-openai'],
    ['MY_ANTHROPIC_KEY', 'anthropic'],
    ['AI_GATEWAY_API_KEY', 'ai-gateway'],
    ['GOOGLE_MAPS_API_KEY', null],
    ['OPENAI_BASE_URL', null],
    ['ANTHROPIC_AUTH_TOKEN', null],
    ['AZURE_OPENAI_AD_TOKEN', null],
    ['OPENAIX_API_KEY', null],
    ['TOGETHERAI_API_KEY', 'together'],
    ['ANTHROPIC_ADMIN_API_KEY', null],
    ['OPENAI_ADMIN_KEY', null],
    ['VLLM_OPENAI_API_KEY', null],
    ['OLLAMA_API_KEY', null],
    ['CLAUDE_PLUGIN_OPTION_MEM0_API_KEY', null],
    ['CLAUDE_API_KEY', 'anthropic'],
    ['MY_TOGETHERAI_KEY', 'together'],
  ])('%s -> %s', (name, id) => {
    expect(providerForName(name)?.id ?? null).toBe(id);
  });
});
