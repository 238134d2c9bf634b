import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { makeProject } from '../support/repo.js';

// The doctor asks git about the repository once for all its apps; an app that is a repository of
// its own (a nested clone, a submodule being set up) is still asked on its own.
describe('keyward doctor in a monorepo: what git says about each app', () => {
  it('an app inside the root repository shares its state; an app with its own .git gets its own', async () => {
    const p = makeProject({ name: 'mono' });
    p.write('pnpm-workspace.yaml', "packages:\n  - 'apps/*'\n");
    p.write('apps/web/package.json', JSON.stringify({ name: 'web', dependencies: { openai: '5' } }));
    p.write('apps/lab/package.json', JSON.stringify({ name: 'lab', dependencies: { openai: '5' } }));
    p.commit('apps');
    // lab becomes a repository of its own, still without a commit.
    p.git('-C', 'apps/lab', 'init', '-q', '-b', 'main');
    const r = await runCli(['doctor', '--offline', '--json', '--no-history'], { cwd: p.dir });
    const report = JSON.parse(r.stdout) as Report;
    const envFiles = report.checks.filter((c) => c.id === 'exposure.env-files').map((c) => [c.app, c.status, c.note ?? null]);
    expect(envFiles).toEqual([
      ['apps/lab', 'pass', 'the repository has no commits yet'],
      ['apps/web', 'pass', null],
    ]);
  });
});
