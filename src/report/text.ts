import type { Report } from '../core/report.js';
import { formatKey, formatLocation, formatSecret, present, SEVERITY_SYMBOL, STATUS_SYMBOL } from './present.js';

/** The plain-text report: no colour, no cursor movement (pipes, CI logs, NO_COLOR). */
export function renderText(report: Report, title = 'keyward doctor'): string {
  const p = present(report);
  const out: string[] = [`${title}: ${report.root}`, ''];
  for (const g of p.groups) {
    out.push(g.title);
    for (const c of g.checks) out.push(`  ${STATUS_SYMBOL[c.status]} ${c.id}${c.note ? ` (${c.note})` : ''}`);
    for (const f of g.findings) {
      const where = formatLocation(f);
      out.push(`  ${SEVERITY_SYMBOL[f.severity]} ${f.severity}: ${f.title}`);
      if (where) out.push(`      at ${where}`);
      out.push(`      ${f.detail}`);
      const secret = formatSecret(f);
      if (secret) out.push(`      key: ${secret}`);
      out.push(`      fix: ${f.fix}`);
    }
    out.push('');
  }
  if (p.keys.length) {
    out.push('Keys in use');
    for (const k of p.keys) out.push(`  ${formatKey(k)}`);
    out.push('');
  }
  out.push(p.summary);
  return `${out.join('\n')}\n`;
}
