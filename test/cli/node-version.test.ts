import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeProject } from '../support/repo.js';

/** Makes the bin believe it runs on another Node version, before any of its code runs. */
function onNode(version: string): Record<string, string> {
  // NODE_OPTIONS takes double quotes as its own; template literals pass through.
  return { NODE_OPTIONS: `--import=data:text/javascript,Object.defineProperty(process.versions,\`node\`,{value:\`${version}\`})` };
}

describe('the Node version keyward runs on', () => {
  const engines = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node;

  it.each(['20.20.2', '22.21.9', '23.11.0', '24.14.1'])('on Node %s: one line naming the versions it needs, exit 3, nothing else run', async (version) => {
    const p = makeProject({ name: 'old-node-app' });
    const r = await runCli(['doctor', '--offline'], { cwd: p.dir, env: onNode(version) });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`keyward: this is Node.js ${version}; keyward needs Node.js ^22.22.2, ^24.15.0, >=26.0.0. Install one (https://nodejs.org or your version manager) and run it again.\n`);
    expect(engines).toBe('^22.22.2 || ^24.15.0 || >=26.0.0');
  });

  it.each(['22.22.2', '24.15.0', '26.1.0'])('on Node %s it runs', async (version) => {
    const p = makeProject({ name: 'new-node-app' });
    const r = await runCli(['--version'], { cwd: p.dir, env: onNode(version) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.code).toBe(0);
  });
});
