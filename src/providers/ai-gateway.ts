import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Vercel documents no key format; its SDK tests, community posts and public samples show `vck_`
// followed by 56 alphanumerics, so the length stays open. Keys are checked with the free credits
// call of the OpenAI-compatible API. On Vercel itself an OIDC token (VERCEL_OIDC_TOKEN) replaces the key.
export const aiGateway: Provider = {
  id: 'ai-gateway',
  name: 'Vercel AI Gateway',
  envVars: ['AI_GATEWAY_API_KEY'],
  formats: [{ kind: 'api', prefix: 'vck_', body: 'vck_[A-Za-z0-9_-]{40,}', literals: ['vck_'] }],
  contextWords: ['ai_gateway'],
  nameWords: ['AI_GATEWAY'],
  api: { baseURL: 'https://ai-gateway.vercel.sh/v1', baseUrlEnv: null, authPath: '/credits', defaultModel: 'openai/gpt-4o-mini' },
  dashboard: {
    keys: 'https://vercel.com/d?to=%2F%5Bteam%5D%2F%7E%2Fai-gateway%2Fapi-keys&title=AI+Gateway+API+Keys',
    revoke: 'https://vercel.com/d?to=%2F%5Bteam%5D%2F%7E%2Fai-gateway%2Fapi-keys&title=AI+Gateway+API+Keys',
  },
  // The `ai` package sends plain `'openai/gpt-4o'` model ids through the gateway too: project detection
  // adds that case from the app's code, since depending on `ai` alone says nothing.
  packages: { npm: { '@ai-sdk/gateway': ['AI_GATEWAY_API_KEY'] }, python: {} },
  samples: {
    valid: [{ kind: 'api', make: () => `vck_${pseudoRandom(56, ALNUM, 'gw1')}` }],
    invalid: ['vck_...', 'vck_test-key', `vck_${'x'.repeat(56)}`, `vck_${pseudoRandom(20, ALNUM, 'gw2')}`],
  },
};
