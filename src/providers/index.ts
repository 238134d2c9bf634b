import { aiGateway } from './ai-gateway.js';
import { anthropic } from './anthropic.js';
import { azureOpenai } from './azure-openai.js';
import { cohere } from './cohere.js';
import { deepseek } from './deepseek.js';
import { gemini } from './gemini.js';
import { groq } from './groq.js';
import { huggingface } from './huggingface.js';
import { mistral } from './mistral.js';
import { openai } from './openai.js';
import { openrouter } from './openrouter.js';
import { isPlaceholder } from './plausibility.js';
import { perplexity } from './perplexity.js';
import { replicate } from './replicate.js';
import type { KeyFormat, Provider } from './types.js';
import { together } from './together.js';
import { xai } from './xai.js';

export type { ApiInfo, KeyFormat, KeyKind, KeySample, Provider } from './types.js';
export { entropy, isPlaceholder } from './plausibility.js';

/** Every provider keyward knows, OpenAI first. A provider is added by adding its file here. */
export const PROVIDERS: readonly Provider[] = [
  openai, anthropic, gemini, groq, mistral, openrouter, xai, deepseek, perplexity, together, huggingface, replicate, azureOpenai, cohere, aiGateway,
];

export const PROVIDER_IDS: readonly string[] = PROVIDERS.map((p) => p.id);

/** The provider with this id, or undefined. */
export function findProvider(id: string): Provider | undefined {
  return PROVIDERS.find((p) => p.id === id);
}

/** The provider that reads this variable (`OPENAI_API_KEY` -> openai), or undefined. */
export function providerForVariable(name: string): Provider | undefined {
  return PROVIDERS.find((p) => p.envVars.includes(name));
}

// A key for administration or for another server, whichever provider it names: `ANTHROPIC_ADMIN_API_KEY`
// is the Admin API's (a usage notebook reads it beside the app's key), `VLLM_OPENAI_API_KEY` a self-hosted
// vLLM server's token (gpt-researcher); neither is the key the provider's SDK sends for the app.
// Claude Code hands a plugin its settings as CLAUDE_PLUGIN_OPTION_* (mem0's plugin takes its Mem0 key so).
const NOT_THE_APPS_KEY = /(?:^|_)(?:ADMIN|VLLM|OLLAMA|LMSTUDIO|LOCALAI|LLAMACPP)(?:_|$)|^CLAUDE_(?:CODE|PLUGIN)_/;
// A key's name, not a base URL's or a short-lived token's (`ANTHROPIC_AUTH_TOKEN`, `AZURE_OPENAI_AD_TOKEN`).
const KEY_NAME = /(?:^|_)(?:API_?KEY|KEY|API_?TOKEN|ACCESS_TOKEN)$/;

/**
 * The provider whose key a variable of this name holds: a known variable, else a key-like name
 * (`..._API_KEY`, `..._API_TOKEN`) with one of the provider's words as whole `_` segments
 * (`GOOGLE_GEMINI_API_KEY` -> gemini). The longest word wins, so `AZURE_OPENAI_KEY` is Azure's.
 * Only for names an app reads or a template names, where the name is the app's own choice.
 */
/** True for a name that says its key is for administration or another server (`ANTHROPIC_ADMIN_API_KEY`, `VLLM_OPENAI_API_KEY`). */
export function namesOtherUse(name: string): boolean {
  return NOT_THE_APPS_KEY.test(name);
}

export function providerForName(name: string): Provider | undefined {
  const known = providerForVariable(name);
  if (known || !KEY_NAME.test(name) || NOT_THE_APPS_KEY.test(name)) return known;
  const segments = `_${name}_`;
  let best: { provider: Provider; length: number } | undefined;
  for (const provider of PROVIDERS) {
    for (const word of provider.nameWords) {
      if (segments.includes(`_${word}_`) && word.length > (best?.length ?? 0)) best = { provider, length: word.length };
    }
  }
  return best?.provider;
}

export interface KeyMatch {
  provider: Provider;
  format: KeyFormat;
}

const wholeKey = new WeakMap<KeyFormat, RegExp>();
function wholeKeyRegex(format: KeyFormat): RegExp {
  let re = wholeKey.get(format);
  if (!re) {
    re = new RegExp(`^(?:${format.body})$`);
    wholeKey.set(format, re);
  }
  return re;
}

/** True when `value` is exactly a key of this format and not a placeholder. */
export function matchesFormat(value: string, format: KeyFormat): boolean {
  return wholeKeyRegex(format).test(value) && !isPlaceholder(value, format.prefix);
}

/**
 * Which provider's key `value` is. Keys with a prefix or marker are recognised anywhere;
 * prefix-less formats (Mistral, Cohere, Azure, DeepSeek, old Together keys) only for `expected`,
 * the provider whose variable holds the value, since 32 random characters could be anything.
 */
export function identifyKey(value: string, expected?: Provider): KeyMatch | undefined {
  if (expected) {
    for (const format of expected.formats) if (matchesFormat(value, format)) return { provider: expected, format };
  }
  for (const provider of PROVIDERS) {
    for (const format of provider.formats) {
      if (format.literals.length > 0 && matchesFormat(value, format)) return { provider, format };
    }
  }
  return undefined;
}

/** The prefix to show in a redacted form: the matched format's, else none. */
export function redactionPrefix(value: string, expected?: Provider): string {
  return identifyKey(value, expected)?.format.prefix ?? '';
}
