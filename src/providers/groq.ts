import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Peers disagree on the length after gsk_ (48 or 52), so it stays open.
export const groq: Provider = {
  id: 'groq',
  name: 'Groq',
  envVars: ['GROQ_API_KEY'],
  formats: [{ kind: 'api', prefix: 'gsk_', body: 'gsk_[A-Za-z0-9]{40,64}', literals: ['gsk_'] }],
  contextWords: ['groq'],
  nameWords: ['GROQ'],
  api: { baseURL: 'https://api.groq.com/openai/v1', baseUrlEnv: 'GROQ_BASE_URL', authPath: '/models', defaultModel: 'llama-3.1-8b-instant' },
  dashboard: { keys: 'https://console.groq.com/keys', revoke: 'https://console.groq.com/keys' },
  packages: { npm: { 'groq-sdk': ['GROQ_API_KEY'], '@ai-sdk/groq': ['GROQ_API_KEY'], '@langchain/groq': ['GROQ_API_KEY'] }, python: { groq: ['GROQ_API_KEY'], 'langchain-groq': ['GROQ_API_KEY'] } },
  samples: {
    valid: [
      { kind: 'api', make: () => `gsk_${pseudoRandom(52, ALNUM, 'gq1')}` },
      { kind: 'api', make: () => `gsk_${pseudoRandom(48, ALNUM, 'gq2')}` },
    ],
    invalid: ['gsk_...', `gsk_${'x'.repeat(52)}`, `gsk_${pseudoRandom(20, ALNUM, 'gq3')}`, `gsk_${pseudoRandom(26, ALNUM, 'gq4')}-${pseudoRandom(25, ALNUM, 'gq5')}`],
  },
};
