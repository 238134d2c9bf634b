import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { makeFinding } from '../../src/core/rules.js';
import { fixPlanText } from '../../src/report/fix-text.js';
import { TestCallsView } from '../../src/ui/TestCallsView.js';

describe('a server message in the test calls view', () => {
  it('shows its control characters as text', () => {
    const finding = makeFinding('permission.server', { title: 'OpenAI answered 500', detail: 'the server said: \x1b[2K\x1b[1A\x1b]0;owned\x07ok', fix: 'Retry later.' });
    const frame = render(<TestCallsView targets={[]} findings={[finding]} summary="1 warning" />).lastFrame() ?? '';
    expect(frame).not.toContain('\x1b');
    expect(frame).toContain('the server said: \\x1b[2K\\x1b[1A\\x1b]0;owned\\x07ok');
  });
});

describe("the fix plan's steps", () => {
  it('wrap to the window at spaces, continuation rows under the step', () => {
    const manual = [{ rule: 'exposure.history', step: 'Revoke sk-proj-…9ZxQ (sha256:0123456789ab) at https://platform.openai.com/api-keys: it was in git history.' }];
    expect(fixPlanText([], manual, false, 60)).toBe(
      [
        '',
        'No safe fixes to apply.',
        '',
        'Left for you (keyward does not do these):',
        '  • Revoke sk-proj-…9ZxQ (sha256:0123456789ab) at',
        '    https://platform.openai.com/api-keys: it was in git',
        '    history.',
        '',
      ].join('\n'),
    );
  });
});
