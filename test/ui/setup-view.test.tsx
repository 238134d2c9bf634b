import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { loadAdvice } from '../../src/setup/flow.js';
import { DoneView, SurveyView } from '../../src/ui/SetupView.js';

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
          keychain: { usable: false, problem: { reason: 'no D-Bus session', fix: 'start one' } },
        }}
      />,
    );
    expect(lastFrame()).toMatchInlineSnapshot(`
      "keyward setup /home/ada/chat
        Project chat, git repository
        Uses: openai (dependency openai)
        Key: openai: OPENAI_API_KEY from environment, sk-proj-…9ZxQ sha256:0123456789ab (project)
        OS keychain: unavailable (no D-Bus session)
      "
    `);
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
