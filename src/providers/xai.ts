import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

export const xai: Provider = {
  id: 'xai',
  name: 'xAI',
  envVars: ['XAI_API_KEY'],
  formats: [{ kind: 'api', prefix: 'xai-', body: 'xai-[A-Za-z0-9_]{70,90}', literals: ['xai-'] }],
  contextWords: ['xai', 'grok'],
  nameWords: ['XAI', 'GROK'],
  api: { baseURL: 'https://api.x.ai/v1', baseUrlEnv: 'XAI_BASE_URL', authPath: '/api-key', defaultModel: 'grok-3-mini' },
  dashboard: { keys: 'https://console.x.ai', revoke: 'https://console.x.ai' },
  packages: { npm: { '@ai-sdk/xai': ['XAI_API_KEY'] }, python: { 'xai-sdk': ['XAI_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => `xai-${pseudoRandom(80, ALNUM, 'x1')}` }],
    invalid: ['xai-...', `xai-${pseudoRandom(30, ALNUM, 'x2')}`, `xai-${'z'.repeat(80)}`],
  },
};
