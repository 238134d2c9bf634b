import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { makeFinding } from '../../src/core/rules.js';
import { TestCallsView, type TargetRow } from '../../src/ui/TestCallsView.js';

const target = (states: Array<'waiting' | 'running' | 'ok' | 'failed' | 'skipped'>): TargetRow => ({
  provider: 'openai',
  key: 'sk-proj-…abcd (OPENAI_API_KEY from .env)',
  baseURL: 'https://api.openai.com/v1',
  calls: [
    { name: 'auth', request: 'GET /models', state: states[0]!, summary: states[0] === 'ok' ? 'GET /models  200  84ms  req_1' : '' },
    { name: 'sync', request: 'POST /chat/completions', state: states[1]!, summary: states[1] === 'failed' ? 'POST /chat/completions  429  95ms  permission.quota' : '' },
    { name: 'async', request: 'POST /chat/completions stream', state: states[2]!, summary: states[2] === 'skipped' ? 'POST /chat/completions stream  not run: an earlier call failed' : '' },
  ],
});

describe('TestCallsView', () => {
  it('shows a spinner for the running call and the request of the waiting ones', () => {
    const { lastFrame } = render(<TestCallsView targets={[target(['ok', 'running', 'waiting'])]} findings={[]} summary={null} />);
    const frame = lastFrame()!;
    expect(frame).toContain('openai sk-proj-…abcd (OPENAI_API_KEY from .env) https://api.openai.com/v1');
    expect(frame).toContain('✓ auth  GET /models  200  84ms  req_1');
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] sync {2}POST \/chat\/completions/);
    expect(frame).toContain('async POST /chat/completions stream');
  });

  it('shows results, findings with their fix, and the summary', () => {
    const finding = makeFinding('permission.quota', { title: 'OpenAI account is out of credit', detail: 'retrying will not help', fix: 'Add credits.' });
    const { lastFrame } = render(<TestCallsView targets={[target(['ok', 'failed', 'skipped'])]} findings={[finding]} summary="1 problem" />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "openai sk-proj-…abcd (OPENAI_API_KEY from .env) https://api.openai.com/v1
        ✓ auth  GET /models  200  84ms  req_1
        ✗ sync  POST /chat/completions  429  95ms  permission.quota
        - async POST /chat/completions stream  not run: an earlier call failed

        high OpenAI account is out of credit permission.quota
            retrying will not help
            fix: Add credits.

      1 problem"
    `);
  });
});
