import { renderToString } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { DoctorView } from '../../src/ui/DoctorView.js';
import { report } from './fixtures.js';

// ink-testing-library's screen is 100 columns wide; wider layouts are checked as the doctor prints them.
const frame = (r: Report, columns: number, verbose = false) => render(<DoctorView report={r} columns={columns} verbose={verbose} />).lastFrame() ?? '';
const printed = (r: Report, columns: number) => renderToString(<DoctorView report={r} columns={columns} />, { columns });

describe('DoctorView', () => {
  it('says what the project is, groups by category with checks named in words, each finding with its fix, and a summary line', () => {
    expect(frame(report, 100)).toMatchInlineSnapshot(`
      "keyward doctor: /work/demo

      Project demo: Node.js, Next.js; loads .env.local, .env; templates .env.example
        uses openai: OPENAI_API_KEY (dependency openai, src/chat.ts reads OPENAI_API_KEY)

      Keys
        ✗ which key wins
        ▲ medium: the environment (OPENAI_API_KEY) shadows a different OpenAI key in .env line 1
            Which one an app uses depends on how it loads them.
            fix: Run \`unset OPENAI_API_KEY\`.

      Exposure
        ✗ .env files and git
        - keys in git history (not a git repository)
        ✖ critical: .env is committed to git and holds an OpenAI key (OPENAI_API_KEY)
            at .env:1
            Anyone with the repository has it.
            key: sk-proj-…9ZxQ sha256:0123456789ab (in use)
            fix: Run \`git rm --cached .env\`, then rotate the key at https://platform.openai.com/api-keys
                 because everyone who cloned the repository has it.

      Keys in use
        openai: OPENAI_API_KEY from .env, sk-proj-…9ZxQ sha256:0123456789ab (project)

      A wrong guess? Set it in package.json "keyward" ({"providers": ["openai"]}) or pyproject.toml
      [tool.keyward].
      1 problem, 1 warning"
    `);
  });

  it('shows rule and check ids with --verbose', () => {
    expect(frame(report, 100, true).split('\n').filter((l) => /keys\.resolution|\[exposure\.env-tracked\]/.test(l))).toEqual([
      '  ✗ which key wins (keys.resolution)',
      '    [exposure.env-tracked]',
    ]);
  });

  it.each([60, 80, 120])('wraps every row to %i columns at spaces, never inside a word or URL, with no stray space at a row start', (columns) => {
    const rows = printed(report, columns).split('\n');
    expect(rows.every((r) => r.length <= columns)).toBe(true);
    expect(rows.some((r) => r.includes('https://platform.openai.com/api-keys'))).toBe(true);
    expect(rows).toMatchSnapshot();
  });

  it('shows control characters of a file name as text, never as escape sequences', () => {
    const hostile: Report = {
      ...report,
      findings: [{ ...report.findings[0]!, title: 'OpenAI key hardcoded in \x1b]0;pwned\x07\x1b[2Ka.ts', location: { file: '\x1b]0;pwned\x07\x1b[2Ka.ts', line: 1, commit: null } }],
    };
    const out = frame(hostile, 100);
    expect(out).not.toContain('\x1b');
    expect(out).toContain('  ✖ critical: OpenAI key hardcoded in \\x1b]0;pwned\\x07\\x1b[2Ka.ts\n      at \\x1b]0;pwned\\x07\\x1b[2Ka.ts:1\n');
  });
});
