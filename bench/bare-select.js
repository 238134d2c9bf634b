// The baseline of bench/first-question.js: a bare @inquirer/prompts select, the same question and
// choices as the wizard's first one, and nothing else.
import { select } from '@inquirer/prompts';

const names = ['OpenAI', 'Anthropic', 'Google Gemini', 'Mistral', 'Groq', 'xAI', 'DeepSeek', 'OpenRouter', 'Together AI', 'Perplexity', 'Cohere', 'Hugging Face', 'Replicate', 'Azure OpenAI', 'Vercel AI Gateway'];
await select({ message: 'Which provider is this key for?', choices: names.map((name) => ({ value: name, name })) });
