import { describe, expect, it } from 'vitest';
import type { AppReport, Report } from '../../src/core/report.js';
import { renderText } from '../../src/report/text.js';

const app = (path: string, extra: Partial<AppReport> = {}): AppReport => ({
  path,
  name: path.split('/').pop()!,
  language: 'node',
  framework: 'Next.js',
  providers: [{ id: 'openai', evidence: ['dependency openai'], variables: ['OPENAI_API_KEY'], optional: false }],
  envFiles: [],
  templates: [],
  ...extra,
});

/** A monorepo of 12 apps where one has a problem. */
const report: Report = {
  schema: 'keyward.report/v1',
  tool: { name: 'keyward', version: '0.1.0' },
  root: '/work/mono',
  durationMs: 1,
  summary: { critical: 0, high: 1, medium: 0, low: 0, info: 0, failed: true },
  project: app('.', { name: 'mono', framework: 'no known framework', providers: [] }),
  apps: Array.from({ length: 12 }, (_, i) => app(`apps/a${i + 1}`, i === 4 ? { name: 'shop-web', envFiles: ['apps/a5/.env.local'], templates: ['apps/a5/.env.local.example'] } : {})),
  checks: [
    ...Array.from({ length: 12 }, (_, i) => ({ id: 'keys.resolution', status: i === 4 ? ('fail' as const) : ('pass' as const), durationMs: 1, app: `apps/a${i + 1}` })),
    { id: 'exposure.worktree', status: 'pass', durationMs: 1, note: 'Scanned 40 files.' },
  ],
  keys: [],
  findings: [
    { rule: 'missing.empty', category: 'missing', severity: 'high', title: 'OPENAI_API_KEY is empty in apps/a5/.env.local', detail: 'The app gets an empty string.', fix: 'In apps/a5: Put the key after the = sign.', app: 'apps/a5' },
  ],
};

describe('the plain-text report of a monorepo', () => {
  it('shows the app with a problem in full, the quiet ones in one line, and what keyward thinks each is', () => {
    expect(renderText(report, 'keyward doctor', { columns: 80 })).toBe(
      [
        'keyward doctor: /work/mono',
        '',
        'Project mono: Node.js, no known framework; no .env file; 12 apps',
        '  uses no LLM provider that keyward knows',
        '',
        '== apps/a5 (shop-web): Node.js, Next.js; loads .env.local; templates',
        '   .env.local.example',
        '   uses openai: OPENAI_API_KEY (dependency openai)',
        '',
        '  Keys',
        '    ✗ which key wins',
        '    ✖ high: OPENAI_API_KEY is empty in apps/a5/.env.local',
        '        The app gets an empty string.',
        '        fix: In apps/a5: Put the key after the = sign.',
        '',
        '✓ 11 more apps with nothing to report (--verbose shows each): apps/a1, apps/a2,',
        '  apps/a3, apps/a4, apps/a6, apps/a7, apps/a8, apps/a9, apps/a10, apps/a11,',
        '  apps/a12',
        '',
        '✓ Whole repository: nothing to report (keys in the working tree)',
        '',
        'A wrong guess? Set it in package.json "keyward" ({"providers": ["openai"]}) or',
        'pyproject.toml [tool.keyward].',
        '1 problem',
        '',
      ].join('\n'),
    );
  });

  it('prints a line per line, unwrapped, when there is no window (a pipe)', () => {
    expect(renderText(report).split('\n')).toContain('✓ 11 more apps with nothing to report (--verbose shows each): apps/a1, apps/a2, apps/a3, apps/a4, apps/a6, apps/a7, apps/a8, apps/a9, apps/a10, apps/a11, apps/a12');
  });
});
