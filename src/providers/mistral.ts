import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Mistral keys have no prefix: they are recognised only under a Mistral variable name.
export const mistral: Provider = {
  id: 'mistral',
  name: 'Mistral',
  envVars: ['MISTRAL_API_KEY'],
  formats: [{ kind: 'api', prefix: '', body: '[A-Za-z0-9]{32}', literals: [] }],
  contextWords: ['mistral'],
  nameWords: ['MISTRAL'],
  api: { baseURL: 'https://api.mistral.ai/v1', baseUrlEnv: 'MISTRAL_BASE_URL', authPath: '/models', defaultModel: 'mistral-small-latest' },
  dashboard: { keys: 'https://console.mistral.ai/api-keys', revoke: 'https://console.mistral.ai/api-keys' },
  packages: { npm: { '@mistralai/mistralai': ['MISTRAL_API_KEY'], '@ai-sdk/mistral': ['MISTRAL_API_KEY'], '@langchain/mistralai': ['MISTRAL_API_KEY'] }, python: { mistralai: ['MISTRAL_API_KEY'], 'langchain-mistralai': ['MISTRAL_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => pseudoRandom(32, ALNUM, 'm1') }],
    invalid: ['your-mistral-key', 'x'.repeat(32), pseudoRandom(31, ALNUM, 'm2')],
  },
};
