import { HEX, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

export const openrouter: Provider = {
  id: 'openrouter',
  name: 'OpenRouter',
  envVars: ['OPENROUTER_API_KEY'],
  formats: [{ kind: 'api', prefix: 'sk-or-v1-', body: 'sk-or-v1-[0-9a-f]{64}', literals: ['sk-or-v1-'] }],
  contextWords: ['openrouter'],
  nameWords: ['OPENROUTER'],
  // /models is public at OpenRouter and proves nothing; /key answers only to a valid key.
  api: { baseURL: 'https://openrouter.ai/api/v1', baseUrlEnv: 'OPENROUTER_BASE_URL', authPath: '/key', defaultModel: 'openai/gpt-4o-mini' },
  dashboard: { keys: 'https://openrouter.ai/settings/keys', revoke: 'https://openrouter.ai/settings/keys' },
  packages: { npm: { '@openrouter/ai-sdk-provider': ['OPENROUTER_API_KEY'], '@openrouter/sdk': ['OPENROUTER_API_KEY'] }, python: { openrouter: ['OPENROUTER_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => `sk-or-v1-${pseudoRandom(64, HEX, 'or1')}` }],
    invalid: ['sk-or-v1-...', `sk-or-v1-${pseudoRandom(64, 'GHIJKLMNOPQRSTUV', 'or2')}`, `sk-or-v1-${pseudoRandom(40, HEX, 'or3')}`],
  },
};
