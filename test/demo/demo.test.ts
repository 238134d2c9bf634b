import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';

const DEMO = fileURLToPath(new URL('../../scripts/demo.mjs', import.meta.url));

describe('npm run demo', () => {
  it('builds a sample app with the usual mistakes and the doctor finds each of them', () => {
    const r = spawnSync(process.execPath, [DEMO, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const dir = /is in (\S+)/.exec(r.stderr)?.[1];
    try {
      expect(r.status).toBe(0);
      expect(dir).toMatch(/keyward-demo-/);
      expect(r.stderr).toContain(`Try the safe fixes on it: cd ${dir} && node `);
      const report = JSON.parse(r.stdout) as Report;
      expect([...new Set(report.findings.map((f) => `${f.rule} ${f.location?.file ?? ''}`))].filter((x) => x.startsWith('exposure.')).sort()).toEqual([
        'exposure.browser-env .env.local',
        'exposure.env-not-ignored .env.local',
        'exposure.env-tracked .env',
        'exposure.file-permissions .env',
        'exposure.history lib/openai.ts',
        'exposure.log logs/dev.log',
      ]);
      expect(report.summary.failed).toBe(true);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});
