import { ALNUM, HEX, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

// Azure keys have no prefix (32 hex, or 84 alphanumerics since 2024) and go with an endpoint
// (`AZURE_OPENAI_ENDPOINT`); the base URL of a test call is built from that endpoint.
export const azureOpenai: Provider = {
  id: 'azure-openai',
  name: 'Azure OpenAI',
  envVars: ['AZURE_OPENAI_API_KEY', 'AZURE_API_KEY'],
  formats: [
    { kind: 'api', prefix: '', body: '[a-f0-9]{32}', literals: [] },
    { kind: 'api', prefix: '', body: '[A-Za-z0-9]{84}', literals: [] },
  ],
  contextWords: ['azure'],
  nameWords: ['AZURE_OPENAI'],
  api: { baseURL: null, baseUrlEnv: 'AZURE_OPENAI_ENDPOINT', authPath: '/openai/models?api-version=2024-10-21', defaultModel: 'gpt-4o-mini' },
  dashboard: { keys: 'https://portal.azure.com/#view/Microsoft_Azure_ProjectOxford/CognitiveServicesHub/~/OpenAI', revoke: 'https://portal.azure.com/#view/Microsoft_Azure_ProjectOxford/CognitiveServicesHub/~/OpenAI' },
  packages: { npm: { '@azure/openai': ['AZURE_OPENAI_API_KEY'], '@ai-sdk/azure': ['AZURE_API_KEY'] }, python: { 'azure-ai-inference': [] } },
  samples: {
    valid: [
      { kind: 'api', make: () => pseudoRandom(32, HEX, 'az1') },
      { kind: 'api', make: () => pseudoRandom(84, ALNUM, 'az2') },
    ],
    invalid: ['<azure key>', '0'.repeat(32), pseudoRandom(30, HEX, 'az3')],
  },
};
