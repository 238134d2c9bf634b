import { pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

const WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

export const anthropic: Provider = {
  id: 'anthropic',
  name: 'Anthropic',
  envVars: ['ANTHROPIC_API_KEY'],
  formats: [
    { kind: 'admin', prefix: 'sk-ant-admin01-', body: 'sk-ant-admin\\d\\d-[A-Za-z0-9_-]{80,}AA', literals: ['sk-ant-admin'] },
    { kind: 'api', prefix: 'sk-ant-api03-', body: 'sk-ant-api\\d\\d-[A-Za-z0-9_-]{80,}AA', literals: ['sk-ant-api'] },
  ],
  contextWords: ['anthropic', 'claude'],
  nameWords: ['ANTHROPIC', 'CLAUDE'],
  api: { baseURL: 'https://api.anthropic.com/v1/', baseUrlEnv: 'ANTHROPIC_BASE_URL', authPath: '/models', defaultModel: 'claude-haiku-4-5' },
  dashboard: { keys: 'https://console.anthropic.com/settings/keys', revoke: 'https://console.anthropic.com/settings/keys' },
  packages: { npm: { '@anthropic-ai/sdk': ['ANTHROPIC_API_KEY'], '@ai-sdk/anthropic': ['ANTHROPIC_API_KEY'], '@langchain/anthropic': ['ANTHROPIC_API_KEY'], '@llamaindex/anthropic': ['ANTHROPIC_API_KEY'] }, python: { anthropic: ['ANTHROPIC_API_KEY'], 'langchain-anthropic': ['ANTHROPIC_API_KEY'], 'llama-index-llms-anthropic': ['ANTHROPIC_API_KEY'] } },
  samples: {
    valid: [
      { kind: 'api', make: () => `sk-ant-api03-${pseudoRandom(93, WORD, 'an1')}AA` },
      { kind: 'admin', make: () => `sk-ant-admin01-${pseudoRandom(93, WORD, 'an2')}AA` },
    ],
    invalid: ['sk-ant-...', `sk-ant-api03-${pseudoRandom(93, WORD, 'an3')}BB`, `sk-ant-api03-${pseudoRandom(20, WORD, 'an4')}AA`, 'sk-ant-api03-your-key-here'],
  },
};
