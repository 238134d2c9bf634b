import { ALNUM, B64URL, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Every OpenAI key carries the marker T3BlbkFJ (base64 of "OpenAI"); the runs around it have
// changed length over the years (51, 56, 111, 132, 164 characters seen), so they stay open.
const MARKER = 'T3BlbkFJ';
const run = '[A-Za-z0-9_-]{16,}';

export const openai: Provider = {
  id: 'openai',
  name: 'OpenAI',
  envVars: ['OPENAI_API_KEY'],
  formats: [
    { kind: 'admin', prefix: 'sk-admin-', body: `sk-admin-${run}${MARKER}${run}`, literals: ['sk-admin-'] },
    { kind: 'project', prefix: 'sk-proj-', body: `sk-proj-${run}${MARKER}${run}`, literals: ['t3blbkfj'] },
    { kind: 'service-account', prefix: 'sk-svcacct-', body: `sk-svcacct-${run}${MARKER}${run}`, literals: ['t3blbkfj'] },
    { kind: 'service-account', prefix: 'sk-service-', body: `sk-service-${run}${MARKER}${run}`, literals: ['t3blbkfj'] },
    { kind: 'legacy', prefix: 'sk-', body: `sk-[A-Za-z0-9]{16,}${MARKER}[A-Za-z0-9]{16,}`, literals: ['t3blbkfj'] },
  ],
  contextWords: ['openai'],
  nameWords: ['OPENAI'],
  api: { baseURL: 'https://api.openai.com/v1', baseUrlEnv: 'OPENAI_BASE_URL', authPath: '/models', defaultModel: 'gpt-4o-mini' },
  dashboard: {
    keys: 'https://platform.openai.com/api-keys',
    revoke: 'https://platform.openai.com/api-keys',
  },
  packages: { npm: { openai: ['OPENAI_API_KEY'], '@ai-sdk/openai': ['OPENAI_API_KEY'], '@langchain/openai': ['OPENAI_API_KEY'], llamaindex: ['OPENAI_API_KEY'], '@llamaindex/openai': ['OPENAI_API_KEY'] }, python: { openai: ['OPENAI_API_KEY'], 'langchain-openai': ['OPENAI_API_KEY'], 'llama-index': ['OPENAI_API_KEY'], 'llama-index-llms-openai': ['OPENAI_API_KEY'], litellm: ['OPENAI_API_KEY'] } },
  samples: {
    valid: [
      { kind: 'project', make: () => `sk-proj-${pseudoRandom(74, B64URL, 'p1')}${MARKER}${pseudoRandom(74, B64URL, 'p2')}` },
      { kind: 'project', make: () => `sk-proj-${pseudoRandom(24, B64URL, 'p3')}${MARKER}${pseudoRandom(24, B64URL, 'p4')}` },
      { kind: 'service-account', make: () => `sk-svcacct-${pseudoRandom(50, B64URL, 's1')}${MARKER}${pseudoRandom(50, B64URL, 's2')}` },
      { kind: 'admin', make: () => `sk-admin-${pseudoRandom(58, B64URL, 'a1')}${MARKER}${pseudoRandom(58, B64URL, 'a2')}` },
      { kind: 'legacy', make: () => `sk-${pseudoRandom(20, ALNUM, 'l1')}${MARKER}${pseudoRandom(20, ALNUM, 'l2')}` },
    ],
    invalid: [
      'sk-...',
      'sk-proj-...',
      '<your OpenAI key>',
      `sk-proj-${'x'.repeat(74)}${MARKER}${'x'.repeat(74)}`,
      `sk-proj-${'Ab3_'.repeat(30)}`,
      `sk-${'a1B2'.repeat(5)}${MARKER}`,
      `sk-proj-${'•'.repeat(40)}`,
    ],
  },
};
