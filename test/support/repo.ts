import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed after the test file. */
export function tempDir(prefix = 'keyward-test-'): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}

/** A project folder with helpers to write files and run git in it. */
export interface TestProject {
  dir: string;
  write(rel: string, content: string | Buffer, mode?: number): string;
  git(...args: string[]): string;
  commit(message: string, ...paths: string[]): string;
}

/** A temp folder, optionally `git init`ed with a fixed identity and no global config. */
export function makeProject(opts: { git?: boolean; name?: string } = {}): TestProject {
  const dir = tempDir();
  const project: TestProject = {
    dir,
    write(rel, content, mode) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      if (mode !== undefined) chmodSync(p, mode);
      return p;
    },
    git(...args) {
      return execFileSync('git', args, { cwd: dir, env: gitEnv(), encoding: 'utf8' });
    },
    commit(message, ...paths) {
      project.git('add', '--', ...(paths.length ? paths : ['.']));
      project.git('commit', '-q', '--allow-empty', '-m', message);
      return project.git('rev-parse', 'HEAD').trim();
    },
  };
  if (opts.git !== false) project.git('init', '-q', '-b', 'main');
  if (opts.name) project.write('package.json', JSON.stringify({ name: opts.name, version: '1.0.0' }, null, 2) + '\n');
  return project;
}

/** git with a fixed identity and no user or system config, so tests behave the same everywhere. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  };
}

/** A Node app that depends on openai, committed once: where the wizard's tests start. `files` are written before the commit. */
export function openaiApp(name: string, files: Record<string, string> = {}): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, dependencies: { openai: '^7.0.0' } }, null, 2));
  for (const [path, text] of Object.entries(files)) p.write(path, text);
  p.commit('init');
  return p;
}

/**
 * On `main`: a branch and `main` both change conf.txt, the merge conflicts, and its resolution
 * writes `resolution`, content no parent has; a later commit removes it. Returns the merge commit.
 */
export function commitMergeResolution(p: TestProject, resolution: string): string {
  p.git('checkout', '-q', '-b', 'left');
  p.write('conf.txt', 'left\n');
  p.commit('left');
  p.git('checkout', '-q', 'main');
  p.write('conf.txt', 'right\n');
  p.commit('right');
  try {
    p.git('merge', '-q', 'left', '-m', 'merge');
  } catch {
    // The conflict is the point: its resolution is new content.
  }
  p.write('conf.txt', resolution);
  const merged = p.commit('merge left', 'conf.txt');
  p.write('conf.txt', 'resolved\n');
  p.commit('clean conf');
  return merged;
}
