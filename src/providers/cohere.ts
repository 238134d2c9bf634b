import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Cohere keys are 40 alphanumerics with no prefix: recognised only under a Cohere variable name.
export const cohere: Provider = {
  id: 'cohere',
  name: 'Cohere',
  envVars: ['CO_API_KEY', 'COHERE_API_KEY'],
  formats: [{ kind: 'api', prefix: '', body: '[A-Za-z0-9]{40}', literals: [] }],
  contextWords: ['cohere', 'co_api_key'],
  nameWords: ['COHERE'],
  api: { baseURL: 'https://api.cohere.ai/compatibility/v1', baseUrlEnv: 'CO_API_URL', authPath: '/models', defaultModel: 'command-r7b-12-2024' },
  dashboard: { keys: 'https://dashboard.cohere.com/api-keys', revoke: 'https://dashboard.cohere.com/api-keys' },
  packages: { npm: { 'cohere-ai': ['CO_API_KEY'], '@ai-sdk/cohere': ['COHERE_API_KEY'], '@langchain/cohere': ['COHERE_API_KEY'] }, python: { cohere: ['CO_API_KEY', 'COHERE_API_KEY'], 'langchain-cohere': ['COHERE_API_KEY', 'CO_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => pseudoRandom(40, ALNUM, 'c1') }],
    invalid: ['your-cohere-api-key', 'a'.repeat(40), pseudoRandom(39, ALNUM, 'c2')],
  },
};
