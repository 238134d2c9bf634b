import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { report } from './fixtures.js';
import { present } from '../../src/report/present.js';
import { DoctorView } from '../../src/ui/DoctorView.js';

describe('DoctorView', () => {
  it('groups by category with a symbol per check, each finding with its fix, and a summary line', () => {
    const { lastFrame } = render(<DoctorView root={report.root} presentation={present(report)} />);
    expect(lastFrame()).toMatchInlineSnapshot(`
      "keyward doctor /work/demo

      Keys
        ✗ keys.resolution
        ▲ medium the environment (OPENAI_API_KEY) shadows a different OpenAI key in .env line 1
            Which one an app uses depends on how it loads them.
            fix: Run \`unset OPENAI_API_KEY\`.

      Exposure
        ✗ exposure.env-files
        - exposure.history (not a git repository)
        ✖ critical .env is committed to git and holds an OpenAI key (OPENAI_API_KEY)
            at .env:1
            Anyone with the repository has it.
            key: sk-proj-…9ZxQ sha256:0123456789ab (in use)
            fix: Run \`git rm --cached .env\`.

      Keys in use
        openai: OPENAI_API_KEY from .env, sk-proj-…9ZxQ sha256:0123456789ab (project)

      1 problem, 1 warning"
    `);
  });
});
