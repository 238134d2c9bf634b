import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { RuleId } from '../../src/core/rules.js';
import type { KeyHit } from '../../src/scanner/detect.js';
import { asActive, keyFinding } from '../../src/scanner/findings.js';

// The doctor starts the scan before it knows the project's keys and marks them afterwards: the
// marked finding must be the one the scan would have made knowing them.
const hit: KeyHit = { type: 'key', provider: 'openai', kind: 'project', fingerprint: 'sha256:0f0e0d0c', redacted: 'sk-proj-…abcd', line: 3, column: 7, variable: null, allowed: false };
const place = { file: 'src/app.ts', line: 3, column: 7, commit: null };

describe('a key finding marked active afterwards', () => {
  it.each<[RuleId, KeyHit, string]>([
    ['exposure.source-literal', hit, ''],
    ['exposure.source-literal', { ...hit, cell: { cell: 2, part: 'output' } }, ''],
    ['exposure.bundle', hit, ''],
    ['exposure.log', hit, ''],
    ['exposure.browser-env', { ...hit, variable: 'NEXT_PUBLIC_OPENAI_API_KEY' }, ''],
    ['exposure.history', hit, ' It is in 2 versions of 1 file.'],
  ])('%s is what the scan makes knowing the key is in use', (rule, h, extra) => {
    const location = rule === 'exposure.history' ? { ...place, commit: 'a'.repeat(40), inHead: true } : place;
    expect(asActive(keyFinding(rule, h, location, false, extra))).toEqual(keyFinding(rule, h, location, true, extra));
  });

  it('leaves a finding without a key, and one already active, as they are', () => {
    const active = keyFinding('exposure.log', hit, place, true);
    expect(asActive(active)).toBe(active);
    const noKey: Finding = { ...active };
    delete noKey.secret;
    expect(asActive(noKey)).toBe(noKey);
  });
});
