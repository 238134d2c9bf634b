import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { loadAdvice } from '../../src/setup/flow.js';
import { DoneView, KeychainView, SurveyView } from '../../src/ui/SetupView.js';

describe('the wizard\'s screens', () => {
  it('step 1 shows the project, the providers in use, the keys already there and the keychain', () => {
    const { lastFrame } = render(
      <SurveyView
        survey={{
          root: '/home/ada/chat',
          project: 'chat',
          git: 'repo',
          used: [{ provider: 'openai', reasons: ['dependency openai'] }],
          keys: [{ provider: 'openai', variable: 'OPENAI_API_KEY', source: 'env', file: null, account: null, fingerprint: 'sha256:0123456789ab', redacted: 'sk-proj-…9ZxQ', kind: 'project', shadows: [] }],
        }}
      />,
    );
    expect(lastFrame()).toMatchInlineSnapshot(`
      "keyward setup /home/ada/chat
        Project chat, git repository
        Uses: openai (dependency openai)
        Key: openai: OPENAI_API_KEY from environment, sk-proj-…9ZxQ sha256:0123456789ab (project)
      "
    `);
  });

  it('the end of step 1, before the store question: the keychain, with the fix when it cannot be used, and the keys it holds', () => {
    const unusable = render(<KeychainView keychain={{ status: { usable: false, problem: { reason: 'no D-Bus session', fix: 'Start one.' } }, keys: [] }} />);
    expect(unusable.lastFrame()).toBe('▲ OS keychain: unavailable (no D-Bus session). Start one.');
    const empty = render(<KeychainView keychain={{ status: { usable: true }, keys: [] }} />);
    expect(empty.lastFrame()).toBe('OS keychain: available, no key for this project');
    const holding = render(
      <KeychainView
        keychain={{
          status: { usable: true },
          keys: [{ provider: 'openai', variable: 'OPENAI_API_KEY', source: 'keychain', file: null, account: 'openai/chat@0123456789ab', fingerprint: 'sha256:0123456789ab', redacted: 'sk-proj-…9ZxQ', kind: 'project', shadows: [{ source: 'dotenv', file: '.env', fingerprint: 'sha256:ba9876543210' }] }],
        }}
      />,
    );
    expect(holding.lastFrame()).toBe('OS keychain: available\n  Key: openai: OPENAI_API_KEY from keychain openai/chat@0123456789ab, sk-proj-…9ZxQ\nsha256:0123456789ab (project, shadows .env)');
  });

  it('the last step lists what changed, with warnings, and the lines that load the key', () => {
    const { lastFrame } = render(
      <DoneView
        changes={[{ what: 'Created .env: OPENAI_API_KEY=sk-proj-…9ZxQ (mode 0600; every other line kept).' }, { what: 'Stopped tracking .env (git rm --cached); commit that change.', warning: 'Revoke the old keys.' }]}
        advice={loadAdvice('dotenv', 'OPENAI_API_KEY', '.env', 'unknown', undefined, { kind: 'node', entry: 'app.js', runner: 'node', module: 'cjs', hasStartScript: false })}
      />,
    );
    expect(lastFrame()).toMatchInlineSnapshot(`
      "
      Done:
        ✓ Created .env: OPENAI_API_KEY=sk-proj-…9ZxQ (mode 0600; every other line kept).
        ✓ Stopped tracking .env (git rm --cached); commit that change.
          ▲ Revoke the old keys.

      How your app gets OPENAI_API_KEY:
        Node (dotenv):
          import 'dotenv/config';
        Node 22+ without a dependency:
          node --env-file=.env app.js
        Python (python-dotenv):
          from dotenv import load_dotenv; load_dotenv()"
    `);
  });
});
