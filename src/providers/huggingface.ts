import { ALNUM, pseudoRandom } from './sample.js';
import type { Provider } from './types.js';

export const huggingface: Provider = {
  id: 'huggingface',
  name: 'Hugging Face',
  envVars: ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACEHUB_API_TOKEN', 'HUGGINGFACE_API_KEY'],
  formats: [
    { kind: 'api', prefix: 'hf_', body: 'hf_[A-Za-z0-9]{34,40}', literals: ['hf_'] },
    { kind: 'org', prefix: 'api_org_', body: 'api_org_[A-Za-z0-9]{34}', literals: ['api_org_'] },
  ],
  contextWords: ['huggingface', 'hugging_face', 'hf'],
  nameWords: ['HUGGINGFACE', 'HUGGING_FACE', 'HF'],
  api: {
    baseURL: 'https://router.huggingface.co/v1',
    baseUrlEnv: 'HF_BASE_URL',
    authPath: 'https://huggingface.co/api/whoami-v2',
    defaultModel: 'meta-llama/Llama-3.1-8B-Instruct',
  },
  dashboard: { keys: 'https://huggingface.co/settings/tokens', revoke: 'https://huggingface.co/settings/tokens' },
  packages: { npm: { '@huggingface/inference': [], '@huggingface/hub': [], '@ai-sdk/huggingface': ['HUGGINGFACE_API_KEY'] }, python: { 'huggingface-hub': ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'], huggingface_hub: ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'], transformers: ['HF_TOKEN'] } },
  // HF_TOKEN matters to these only for gated or private models (quivr loads public tokenizers with transformers).
  keyOptionalPackages: ['transformers', 'huggingface-hub', 'huggingface_hub', '@huggingface/hub'],
  samples: {
    valid: [{ kind: 'api', make: () => `hf_${pseudoRandom(34, ALNUM, 'h1')}` }],
    invalid: ['hf_...', `hf_${'x'.repeat(34)}`, 'hf_requiredCharacteristicIdentifier'],
  },
};
