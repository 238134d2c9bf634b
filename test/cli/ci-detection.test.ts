import { describe, expect, it } from 'vitest';
import { startPty } from '../support/pty.js';
import { makeProject } from '../support/repo.js';

// A CI job can hold a terminal (a PTY for coloured logs) and still has nobody to answer: keyward
// asks nothing there. Each service marks its runners its own way; not all of them set CI.
describe('a CI runner is told apart by its own variables', () => {
  it.each([
    ['GitHub Actions', { GITHUB_ACTIONS: 'true' }],
    ['Jenkins', { JENKINS_URL: 'http://ci.internal/', BUILD_ID: '42' }],
    ['Azure Pipelines', { TF_BUILD: 'True' }],
    ['TeamCity', { TEAMCITY_VERSION: '2025.1' }],
  ])('%s, with no CI variable: setup in a terminal asks nothing and names the flag (exit 2)', async (_name, vars) => {
    const p = makeProject({ name: 'ci-runner-app' });
    const s = startPty(['setup'], { cwd: p.dir, env: { CI: undefined, ...vars } });
    const { code } = await s.exit;
    expect(code).toBe(2);
    expect(s.screen()).toContain('keyward: an answer is needed and there is no terminal to ask: --provider is missing.');
  });

  it('a person at a terminal (no CI variable at all) gets the first question', async () => {
    const p = makeProject({ name: 'person-app' });
    const s = startPty(['setup'], { cwd: p.dir, env: { CI: undefined } });
    await s.waitFor('Which provider');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
  });
});
