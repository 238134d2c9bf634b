import { B64URL, HEX, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

export const together: Provider = {
  id: 'together',
  name: 'Together AI',
  // LiteLLM reads TOGETHERAI_API_KEY too (after the other two), as it reads PERPLEXITYAI_API_KEY.
  envVars: ['TOGETHER_API_KEY', 'TOGETHER_AI_API_KEY', 'TOGETHERAI_API_KEY'],
  formats: [
    { kind: 'api', prefix: 'tgp_v1_', body: 'tgp_v1_[A-Za-z0-9_-]{40,}', literals: ['tgp_v1_'] },
    // Older keys are 64 hex characters with no prefix.
    { kind: 'legacy', prefix: '', body: '[a-f0-9]{64}', literals: [] },
  ],
  contextWords: ['together'],
  nameWords: ['TOGETHER', 'TOGETHERAI'],
  api: { baseURL: 'https://api.together.xyz/v1', baseUrlEnv: 'TOGETHER_BASE_URL', authPath: '/models', defaultModel: 'meta-llama/Llama-3.2-3B-Instruct-Turbo' },
  dashboard: { keys: 'https://api.together.xyz/settings/api-keys', revoke: 'https://api.together.xyz/settings/api-keys' },
  packages: { npm: { 'together-ai': ['TOGETHER_API_KEY'], '@ai-sdk/togetherai': ['TOGETHER_API_KEY', 'TOGETHER_AI_API_KEY'] }, python: { together: ['TOGETHER_API_KEY'] } },
  samples: {
    valid: [
      { kind: 'api', make: () => `tgp_v1_${pseudoRandom(43, B64URL, 't1')}` },
      { kind: 'legacy', make: () => pseudoRandom(64, HEX, 't2') },
    ],
    invalid: ['tgp_v1_...', 'f'.repeat(64), pseudoRandom(60, HEX, 't3')],
  },
};
