import type { Report } from '../core/report.js';
import { formatKey, formatLocation, formatSecret, present, SEVERITY_SYMBOL, STATUS_SYMBOL } from './present.js';

/** The plain-text report: no colour, no cursor movement (pipes, CI logs, NO_COLOR). */
export function renderText(report: Report, title = 'keyward doctor'): string {
  const p = present(report);
  const out: string[] = [`${title}: ${report.root}`, ''];
  for (const section of p.sections) {
    // A monorepo's sections indent their categories under the app's heading.
    const pad = section.heading ? '  ' : '';
    if (section.heading) out.push(`== ${section.heading}`, '');
    for (const g of section.groups) {
      out.push(`${pad}${g.title}`);
      for (const c of g.checks) out.push(`${pad}  ${STATUS_SYMBOL[c.status]} ${c.id}${c.note ? ` (${c.note})` : ''}`);
      for (const f of g.findings) {
        const where = formatLocation(f);
        out.push(`${pad}  ${SEVERITY_SYMBOL[f.severity]} ${f.severity}: ${f.title}`);
        if (where) out.push(`${pad}      at ${where}`);
        out.push(`${pad}      ${f.detail}`);
        const secret = formatSecret(f);
        if (secret) out.push(`${pad}      key: ${secret}`);
        out.push(`${pad}      fix: ${f.fix}`);
      }
      out.push('');
    }
  }
  if (p.keys.length) {
    out.push('Keys in use');
    for (const k of p.keys) out.push(`  ${formatKey(k)}`);
    out.push('');
  }
  out.push(p.summary);
  return `${out.join('\n')}\n`;
}
