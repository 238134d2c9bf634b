import type { AppReport, Report } from '../core/report.js';
import { markdownCode, markdownInline, markdownText } from './escape.js';
import { appTitle, checkName, CORRECT_A_GUESS, describeApp, describeProviders, formatLocation, formatSecret, present, SEVERITY_SYMBOL } from './present.js';

/** One app as a table row: folder, what keyward thinks it is, its providers and why. */
function appRow(a: AppReport): string {
  return `| ${markdownText(appTitle(a))} | ${markdownText(describeApp(a))} | ${markdownText(describeProviders(a))} |`;
}

/** What keyward thinks the project is: visible for one project, folded for a monorepo's apps. */
function projectBlock(report: Report): string[] {
  const out: string[] = [];
  if (report.project) out.push(`**Project ${markdownText(report.project.name)}**: ${markdownText(describeApp(report.project))}; ${markdownText(describeProviders(report.project))}`, '');
  if (report.apps?.length) {
    out.push(`<details><summary>${report.apps.length} app${report.apps.length === 1 ? '' : 's'}: what keyward found in each</summary>`, '', '| App | What it is | Providers (why) |', '|---|---|---|');
    for (const a of report.apps) out.push(appRow(a));
    out.push('', '</details>', '');
  }
  if (report.project) out.push(`<sub>${markdownInline(CORRECT_A_GUESS)}</sub>`, '');
  return out;
}

/** A report for a pull-request comment: summary, the project, a table of findings with their fixes, the keys in use. Every foreign string is escaped. */
export function renderMarkdown(report: Report, { verbose = false }: { verbose?: boolean } = {}): string {
  const p = present(report, { verbose });
  const out: string[] = [`## keyward doctor: ${p.failed ? '✖' : '✓'} ${p.summary}`, '', ...projectBlock(report)];
  if (report.findings.length) {
    const apps = Boolean(report.apps);
    out.push(`| |${apps ? ' App |' : ''} Severity | Finding | Where | Fix |`, `|---|${apps ? '---|' : ''}---|---|---|---|`);
    for (const f of report.findings) {
      const where = [formatLocation(f), formatSecret(f)].filter(Boolean).join(' ');
      const app = apps ? ` ${f.app ? markdownCode(f.app) : 'repository'} |` : '';
      // A pull-request reader looks a rule up in the README's table: the id stays beside the title.
      const rule = ` ${markdownCode(f.rule)}`;
      out.push(`| ${SEVERITY_SYMBOL[f.severity]} |${app} ${f.severity} | ${markdownText(f.title)}${rule} | ${where ? markdownCode(where) : ''} | ${markdownInline(f.fix)} |`);
    }
    out.push('');
  }
  const notes = report.checks.filter((c) => c.status === 'skip' || c.status === 'error');
  if (notes.length) {
    out.push('<details><summary>Checks skipped or not run</summary>', '');
    for (const c of notes) out.push(`- ${markdownText(checkName(c.id, verbose))}${c.app ? ` in ${markdownCode(c.app)}` : ''}: ${c.status === 'skip' ? 'skipped' : 'could not run'}${c.note ? `, ${markdownText(c.note)}` : ''}`);
    out.push('', '</details>', '');
  }
  if (p.keys.length) {
    out.push('**Keys in use**', '');
    for (const k of p.keys) out.push(`- ${markdownText(k)}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
