import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// The README's first command runs the doctor on keyward's own repository: a fixture in a test
// that looks like a leak (a key, a browser client) must carry `keyward:allow`, or a newcomer's
// first run reports keyward's own tests.
describe("keyward's own repository", () => {
  it('has nothing for the doctor to report in its working tree (exit 0)', async () => {
    const r = await runCli(['doctor', '--offline', '--no-history'], { cwd: join(import.meta.dirname, '..', '..'), timeoutMs: 120_000 });
    expect(r.stdout).not.toMatch(/✖|▲ (high|critical|medium)/);
    expect(r.code).toBe(0);
  });
});
