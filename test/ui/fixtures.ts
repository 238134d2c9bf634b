import type { Report } from '../../src/core/report.js';

/** A failing report with one finding per category kind, for the view tests. */
export const report: Report = {
  schema: 'keyward.report/v1',
  tool: { name: 'keyward', version: '0.1.0' },
  root: '/work/demo',
  durationMs: 12,
  summary: { critical: 1, high: 0, medium: 1, low: 0, info: 0, failed: true },
  checks: [
    { id: 'keys.resolution', status: 'fail', durationMs: 1 },
    { id: 'exposure.env-files', status: 'fail', durationMs: 3 },
    { id: 'exposure.history', status: 'skip', durationMs: 0, note: 'not a git repository' },
  ],
  project: {
    path: '.',
    name: 'demo',
    language: 'node',
    framework: 'Next.js',
    providers: [{ id: 'openai', evidence: ['dependency openai', 'src/chat.ts reads OPENAI_API_KEY'], variables: ['OPENAI_API_KEY'], optional: false }],
    envFiles: ['.env.local', '.env'],
    templates: ['.env.example'],
  },
  keys: [{ provider: 'openai', variable: 'OPENAI_API_KEY', source: 'dotenv', file: '.env', account: null, fingerprint: 'sha256:0123456789ab', redacted: 'sk-proj-…9ZxQ', kind: 'project', shadows: [] }],
  findings: [
    {
      rule: 'exposure.env-tracked', category: 'exposure', severity: 'critical',
      title: '.env is committed to git and holds an OpenAI key (OPENAI_API_KEY)',
      detail: 'Anyone with the repository has it.',
      fix: 'Run `git rm --cached .env`, then rotate the key at https://platform.openai.com/api-keys because everyone who cloned the repository has it.',
      location: { file: '.env', line: 1, commit: null, inHead: true },
      secret: { provider: 'openai', kind: 'project', fingerprint: 'sha256:0123456789ab', redacted: 'sk-proj-…9ZxQ', active: true },
    },
    {
      rule: 'missing.shadowed', category: 'missing', severity: 'medium',
      title: 'the environment (OPENAI_API_KEY) shadows a different OpenAI key in .env line 1',
      detail: 'Which one an app uses depends on how it loads them.',
      fix: 'Run `unset OPENAI_API_KEY`.',
    },
  ],
};
