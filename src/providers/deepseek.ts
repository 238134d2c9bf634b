import { HEX, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// `sk-` + 32 hex has no marker of its own (OpenAI once used `sk-` too): found only under a DeepSeek name.
export const deepseek: Provider = {
  id: 'deepseek',
  name: 'DeepSeek',
  envVars: ['DEEPSEEK_API_KEY'],
  formats: [{ kind: 'api', prefix: 'sk-', body: 'sk-[a-f0-9]{32}', literals: [] }],
  contextWords: ['deepseek'],
  nameWords: ['DEEPSEEK'],
  api: { baseURL: 'https://api.deepseek.com', baseUrlEnv: 'DEEPSEEK_BASE_URL', authPath: '/models', defaultModel: 'deepseek-chat' },
  dashboard: { keys: 'https://platform.deepseek.com/api_keys', revoke: 'https://platform.deepseek.com/api_keys' },
  packages: { npm: { '@ai-sdk/deepseek': ['DEEPSEEK_API_KEY'] }, python: { deepseek: ['DEEPSEEK_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => `sk-${pseudoRandom(32, HEX, 'd1')}` }],
    invalid: ['sk-...', `sk-${'0'.repeat(32)}`, `sk-${pseudoRandom(32, 'GHIJKLMNOPQRSTUV', 'd2')}`],
  },
};
