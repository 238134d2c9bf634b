import { B64URL, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// A Gemini key is an ordinary Google API key: only a call can tell whether Gemini is enabled on it.
export const gemini: Provider = {
  id: 'gemini',
  name: 'Google Gemini',
  envVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY'],
  formats: [{ kind: 'api', prefix: 'AIza', body: 'AIza[0-9A-Za-z_-]{35}', literals: ['aiza'] }],
  contextWords: ['gemini', 'google'],
  nameWords: ['GEMINI', 'GENAI', 'GENERATIVE_AI'],
  api: {
    baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai/',
    baseUrlEnv: 'GEMINI_BASE_URL',
    authPath: '/models',
    defaultModel: 'gemini-2.5-flash',
  },
  dashboard: { keys: 'https://aistudio.google.com/app/apikey', revoke: 'https://aistudio.google.com/app/apikey' },
  packages: { npm: { '@google/genai': ['GOOGLE_API_KEY', 'GEMINI_API_KEY'], '@google/generative-ai': [], '@ai-sdk/google': ['GOOGLE_GENERATIVE_AI_API_KEY'], '@langchain/google-genai': ['GOOGLE_API_KEY'] }, python: { 'google-genai': ['GOOGLE_API_KEY', 'GEMINI_API_KEY'], 'google-generativeai': ['GOOGLE_API_KEY'], 'langchain-google-genai': ['GOOGLE_API_KEY', 'GEMINI_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => `AIzaSy${pseudoRandom(33, B64URL, 'g1')}` }],
    invalid: ['AIza...', `AIza${'a'.repeat(35)}`, `AIzaSy${pseudoRandom(20, B64URL, 'g2')}`],
  },
};
