import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

export const perplexity: Provider = {
  id: 'perplexity',
  name: 'Perplexity',
  envVars: ['PERPLEXITY_API_KEY', 'PPLX_API_KEY', 'PERPLEXITYAI_API_KEY'],
  formats: [{ kind: 'api', prefix: 'pplx-', body: 'pplx-[A-Za-z0-9]{48}', literals: ['pplx-'] }],
  contextWords: ['perplexity', 'pplx'],
  nameWords: ['PERPLEXITY', 'PPLX'],
  // Perplexity has no free endpoint that proves a key: only a (paid) completion does.
  api: { baseURL: 'https://api.perplexity.ai', baseUrlEnv: 'PERPLEXITY_BASE_URL', authPath: null, defaultModel: 'sonar' },
  dashboard: { keys: 'https://www.perplexity.ai/settings/api', revoke: 'https://www.perplexity.ai/settings/api' },
  packages: { npm: { '@ai-sdk/perplexity': ['PERPLEXITY_API_KEY'], '@perplexity-ai/perplexity_ai': ['PERPLEXITY_API_KEY'] }, python: { perplexityai: ['PERPLEXITY_API_KEY'] } },
  samples: {
    valid: [{ kind: 'api', make: () => `pplx-${pseudoRandom(48, ALNUM, 'px1')}` }],
    invalid: ['pplx-...', `pplx-${'x'.repeat(48)}`, `pplx-${pseudoRandom(30, ALNUM, 'px2')}`],
  },
};
