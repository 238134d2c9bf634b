import { B64URL, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Replicate has no OpenAI-compatible API: keyward recognises and guards its tokens but makes no test call.
export const replicate: Provider = {
  id: 'replicate',
  name: 'Replicate',
  envVars: ['REPLICATE_API_TOKEN'],
  formats: [{ kind: 'api', prefix: 'r8_', body: 'r8_[A-Za-z0-9_-]{37}', literals: ['r8_'] }],
  contextWords: ['replicate'],
  nameWords: ['REPLICATE'],
  api: { baseURL: null, baseUrlEnv: null, authPath: null, defaultModel: '' },
  dashboard: { keys: 'https://replicate.com/account/api-tokens', revoke: 'https://replicate.com/account/api-tokens' },
  packages: { npm: { replicate: ['REPLICATE_API_TOKEN'], '@ai-sdk/replicate': ['REPLICATE_API_TOKEN'] }, python: { replicate: ['REPLICATE_API_TOKEN'] } },
  samples: {
    valid: [{ kind: 'api', make: () => `r8_${pseudoRandom(37, B64URL, 'r1')}` }],
    invalid: ['r8_...', `r8_${'a'.repeat(37)}`, `r8_${pseudoRandom(20, B64URL, 'r2')}`],
  },
};
