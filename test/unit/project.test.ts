import { describe, expect, it } from 'vitest';
import { classifyDotenvNames } from '../../src/project/detect.js';
import { keywardTable } from '../../src/project/pyproject.js';
import { isTemplateName, readTemplate } from '../../src/project/templates.js';

describe('templates of .env files', () => {
  it.each([
    ['.env.example', true], ['.env.local.example', true], ['.env.sample', true], ['.env.template', true],
    ['.env.production.example', true], ['example.env', true], ['env.example', true], ['.env.dist', true],
    ['.env', false], ['.env.local', false], ['.env.production', false], ['.envrc', false], ['example.txt', false],
  ])('%s is a template: %s', (name, template) => {
    expect(isTemplateName(name)).toBe(template);
  });

  it('sorts a folder: loaded files in load order, then files not loaded, and templates (configured names too)', () => {
    const names = ['.env', '.env.local', '.env.local.example', 'example.env', '.env.test', 'secrets.tpl', 'package.json', '.env.keys'];
    expect(classifyDotenvNames(names, ['.env.local', '.env'], ['secrets.tpl'])).toEqual({
      dotenv: [{ file: '.env.local', order: 0 }, { file: '.env', order: 1 }, { file: '.env.test', order: null }],
      examples: ['.env.local.example', 'example.env', 'secrets.tpl'],
    });
  });

  it('reads which variables a template marks optional, as templates say it', () => {
    const text = [
      '# You must first activate a Billing Account here',
      'OPENAI_API_KEY=xxxxxxx',
      '',
      '# Optional, for the Claude models',
      'ANTHROPIC_API_KEY=',
      '# Required for the reasoning example',
      'FIREWORKS_API_KEY=xxxxxxx',
      'GROQ_API_KEY= # optional',
      '#MISTRAL_API_KEY=',
      '',
      '## ===== Optional providers =====',
      'XAI_API_KEY=',
      '',
      '# The key for DeepSeek, required',
      'DEEPSEEK_API_KEY=',
      '# --- Required ---',
      'COHERE_API_KEY=',
    ].join('\n');
    expect(readTemplate(text)).toEqual([
      { variable: 'OPENAI_API_KEY', optional: false },
      { variable: 'ANTHROPIC_API_KEY', optional: true },
      { variable: 'FIREWORKS_API_KEY', optional: false },
      { variable: 'GROQ_API_KEY', optional: true },
      { variable: 'MISTRAL_API_KEY', optional: true },
      { variable: 'XAI_API_KEY', optional: true },
      { variable: 'DEEPSEEK_API_KEY', optional: false },
      { variable: 'COHERE_API_KEY', optional: false },
    ]);
  });

  it('a comment over a group of lines speaks for the whole group, up to a blank line or the next comment (chatbot-ui)', () => {
    const text = [
      '# API Keys (Optional: Entering an API key here overrides the API keys globally for all users.)',
      'OPENAI_API_KEY=',
      'ANTHROPIC_API_KEY=',
      '#MISTRAL_API_KEY=',
      'GROQ_API_KEY=',
      '# Azure API Information',
      'AZURE_OPENAI_API_KEY=',
      'XAI_API_KEY=',
      '',
      'COHERE_API_KEY=',
    ].join('\n');
    expect(readTemplate(text)).toEqual([
      { variable: 'OPENAI_API_KEY', optional: true },
      { variable: 'ANTHROPIC_API_KEY', optional: true },
      { variable: 'MISTRAL_API_KEY', optional: true },
      { variable: 'GROQ_API_KEY', optional: true },
      { variable: 'AZURE_OPENAI_API_KEY', optional: false },
      { variable: 'XAI_API_KEY', optional: false },
      { variable: 'COHERE_API_KEY', optional: false },
    ]);
  });

  it('a note that none is required makes every variable optional (the AI SDK examples\' wording)', () => {
    const text = '# Copy to `.env` and fill in only the variables for providers you\n# actually use — none of them are required globally.\n\n# Anthropic (@ai-sdk/anthropic)\nANTHROPIC_API_KEY=""\n';
    expect(readTemplate(text)).toEqual([{ variable: 'ANTHROPIC_API_KEY', optional: true }]);
  });
});

describe('[tool.keyward] in pyproject.toml', () => {
  it('reads strings, numbers, booleans and arrays over several lines, with comments, camelCasing keys', () => {
    const toml = [
      '[project]',
      'name = "app"',
      '',
      '[tool.keyward]  # keyward settings',
      'project = "rag" # account',
      "providers = ['openai', \"anthropic\", # the main one",
      '  "groq",',
      ']',
      'rotation-days = 30',
      'strict = true',
      'when = 1979-05-27',
      'templates = ["a \\"quoted\\" name"]',
      '',
      '[tool.other]',
      'project = "not ours"',
    ].join('\n');
    expect(keywardTable(toml)).toEqual({ project: 'rag', providers: ['openai', 'anthropic', 'groq'], rotationDays: 30, strict: true, templates: ['a "quoted" name'] });
  });

  it('is undefined without the table', () => {
    expect(keywardTable('[tool.poetry]\nname = "x"\n')).toBeUndefined();
  });
});
