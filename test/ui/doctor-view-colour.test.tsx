import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';

// Chalk decides its colour level when first imported: force it on before loading Ink (this file
// runs in its own module graph, so the plain-text snapshots elsewhere stay plain).
process.env.FORCE_COLOR = '1';
const { render } = await import('ink-testing-library');
const { DoctorView } = await import('../../src/ui/DoctorView.js');
const { report } = await import('./fixtures.js');

describe('DoctorView with colours kept', () => {
  it('marks a passing check green, a failing one red, and colours the summary by the outcome', () => {
    const failing = render(<DoctorView report={report} columns={100} />).lastFrame() ?? '';
    expect(failing).toContain('\u001b[31m✗\u001b[39m which key wins');
    expect(failing).toMatch(/\u001b\[31m1 problem, 1 warning/);
    const passing: Report = { ...report, summary: { ...report.summary, critical: 0, medium: 0, failed: false }, findings: [], checks: [{ id: 'keys.resolution', status: 'pass', durationMs: 1 }] };
    const frame = render(<DoctorView report={passing} columns={100} />).lastFrame() ?? '';
    expect(frame).toContain('\u001b[32m✓\u001b[39m which key wins');
    expect(frame).toMatch(/\u001b\[32mNo problems found/);
  });
});
