import type { Report } from '../core/report.js';
import { formatKey, formatLocation, formatSecret, present, SEVERITY_SYMBOL } from './present.js';

/** Escapes what would break a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A report for a pull-request comment: summary, a table of findings with their fixes, the keys in use. */
export function renderMarkdown(report: Report): string {
  const p = present(report);
  const out: string[] = [`## keyward doctor: ${p.failed ? '✖' : '✓'} ${p.summary}`, ''];
  if (report.findings.length) {
    const apps = Boolean(report.apps);
    out.push(`| |${apps ? ' App |' : ''} Severity | Finding | Where | Fix |`, `|---|${apps ? '---|' : ''}---|---|---|---|`);
    for (const f of report.findings) {
      const where = [formatLocation(f), formatSecret(f)].filter(Boolean).join(' ');
      out.push(`| ${SEVERITY_SYMBOL[f.severity]} |${apps ? ` ${f.app ?? 'repository'} |` : ''} ${f.severity} | ${cell(f.title)} (\`${f.rule}\`) | ${cell(where ? `\`${where}\`` : '')} | ${cell(f.fix)} |`);
    }
    out.push('');
  }
  const notes = report.checks.filter((c) => c.status === 'skip' || c.status === 'error');
  if (notes.length) {
    out.push('<details><summary>Checks skipped or not run</summary>', '');
    for (const c of notes) out.push(`- \`${c.id}\` ${c.status}${c.note ? `: ${cell(c.note)}` : ''}`);
    out.push('', '</details>', '');
  }
  if (p.keys.length) {
    out.push('**Keys in use**', '');
    for (const k of p.keys) out.push(`- ${formatKey(k)}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
