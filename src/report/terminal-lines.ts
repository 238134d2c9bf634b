import type { CheckStatus, Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import { terminalSafe } from './escape.js';
import {
  checkName,
  CORRECT_A_GUESS,
  describeApp,
  describeProviders,
  formatLocation,
  formatSecret,
  present,
  SEVERITY_SYMBOL,
  STATUS_SYMBOL,
  type CategoryGroup,
  type Presentation,
  type Section,
} from './present.js';

/** How a piece of a line is drawn; the plain-text report ignores it, the Ink view colours by it. */
export type Tone = 'title' | 'dim' | 'heading' | 'category' | 'strong' | 'fix' | 'ok' | 'bad' | CheckStatus | Severity;

export interface Span {
  text: string;
  tone?: Tone;
}

/** One logical line: wrapped to the window, continuation rows indented by `indent + hang`. */
export interface Line {
  indent: number;
  hang: number;
  spans: Span[];
}

const BLANK: Line = { indent: 0, hang: 0, spans: [] };

function line(indent: number, hang: number, ...spans: Span[]): Line {
  return { indent, hang, spans };
}

/** Every foreign string (file names, paths, notes, titles that quote them) goes through here. */
const safe = terminalSafe;

function projectLines(p: Presentation): Line[] {
  if (!p.project) return [];
  const apps = p.apps.length ? `; ${p.apps.length} app${p.apps.length === 1 ? '' : 's'}` : '';
  return [
    line(0, 2, { text: `Project ${safe(p.project.name)}:`, tone: 'strong' }, { text: ` ${safe(`${describeApp(p.project)}${apps}`)}` }),
    line(2, 2, { text: safe(describeProviders(p.project)) }),
    BLANK,
  ];
}

function findingLines(f: Finding, pad: number, verbose: boolean): Line[] {
  const out = [line(pad, 2, { text: `${SEVERITY_SYMBOL[f.severity]} ${f.severity}:`, tone: f.severity }, { text: ` ${safe(f.title)}`, tone: 'strong' }, ...(verbose ? [{ text: ` [${f.rule}]`, tone: 'dim' as const }] : []))];
  const where = formatLocation(f);
  if (where) out.push(line(pad + 4, 3, { text: `at ${safe(where)}`, tone: 'dim' }));
  out.push(line(pad + 4, 0, { text: safe(f.detail) }));
  const secret = formatSecret(f);
  if (secret) out.push(line(pad + 4, 5, { text: `key: ${safe(secret)}`, tone: 'dim' }));
  out.push(line(pad + 4, 5, { text: 'fix:', tone: 'fix' }, { text: ` ${safe(f.fix)}` }));
  return out;
}

function groupLines(g: CategoryGroup, pad: number, verbose: boolean): Line[] {
  return [
    line(pad, 0, { text: g.title, tone: 'category' }),
    ...g.checks.map((c) => line(pad + 2, 2, { text: STATUS_SYMBOL[c.status], tone: c.status }, { text: ` ${checkName(c.id, verbose)}` }, ...(c.note ? [{ text: ` (${safe(c.note)})`, tone: 'dim' as const }] : []))),
    ...g.findings.flatMap((f) => findingLines(f, pad + 2, verbose)),
    BLANK,
  ];
}

function sectionLines(s: Section, verbose: boolean): Line[] {
  if (!s.heading) return s.groups.flatMap((g) => groupLines(g, 0, verbose));
  if (s.quiet && !s.app) {
    const checked = s.groups.flatMap((g) => g.checks.map((c) => checkName(c.id, verbose)));
    return [line(0, 2, { text: '✓', tone: 'pass' }, { text: ` ${s.heading}: nothing to report`, tone: 'heading' }, { text: ` (${checked.join(', ')})`, tone: 'dim' }), BLANK];
  }
  const about = s.app ? [{ text: `: ${safe(describeApp(s.app))}` }] : [];
  const uses = s.app ? [line(3, 2, { text: safe(describeProviders(s.app)) })] : [];
  return [line(0, 3, { text: `== ${safe(s.heading)}`, tone: 'heading' }, ...about), ...uses, BLANK, ...s.groups.flatMap((g) => groupLines(g, 2, verbose))];
}

/** The doctor's (or scan's) report as lines, the same for the plain-text report and the Ink view. */
export function reportLines(report: Report, { title = 'keyward doctor', verbose = false }: { title?: string; verbose?: boolean } = {}): Line[] {
  const p = present(report, { verbose });
  const out: Line[] = [line(0, 2, { text: `${title}:`, tone: 'title' }, { text: ` ${safe(report.root)}`, tone: 'dim' }), BLANK, ...projectLines(p)];
  for (const s of p.sections.filter((x) => x.app || !x.heading)) out.push(...sectionLines(s, verbose));
  if (p.quiet.length) {
    const more = p.sections.some((s) => s.app) ? ' more' : '';
    out.push(line(0, 2, { text: '✓', tone: 'pass' }, { text: ` ${p.quiet.length}${more} app${p.quiet.length === 1 ? '' : 's'} with nothing to report (--verbose shows each): ` }, { text: safe(p.quiet.join(', ')), tone: 'dim' }), BLANK);
  }
  for (const s of p.sections.filter((x) => !x.app && x.heading)) out.push(...sectionLines(s, verbose));
  if (p.keys.length) {
    out.push(line(0, 0, { text: 'Keys in use', tone: 'category' }));
    for (const k of p.keys) out.push(line(2, 2, { text: safe(k) }));
    out.push(BLANK);
  }
  if (p.project) out.push(line(0, 0, { text: CORRECT_A_GUESS, tone: 'dim' }));
  out.push(line(0, 0, { text: p.summary, tone: p.failed ? 'bad' : 'ok' }));
  return out;
}

/**
 * Breaks a line into rows of at most `columns` characters at spaces, never inside a word or URL
 * (a word longer than the row gets a row of its own); continuation rows start at `indent + hang`,
 * with no space carried over from the break.
 */
export function wrapLine(l: Line, columns?: number): Span[][] {
  const text = l.spans.map((s) => s.text).join('');
  const ranges: Array<[number, number]> = [];
  if (!columns) ranges.push([0, text.length]);
  else {
    let start = 0;
    while (start < text.length) {
      if (ranges.length) while (text[start] === ' ') start += 1;
      if (start >= text.length) break;
      const room = Math.max(1, columns - l.indent - (ranges.length ? l.hang : 0));
      if (text.length - start <= room) {
        ranges.push([start, text.length]);
        break;
      }
      let cut = text.lastIndexOf(' ', start + room);
      if (cut <= start) cut = text.indexOf(' ', start + room);
      if (cut < 0) cut = text.length;
      ranges.push([start, cut]);
      start = cut;
    }
  }
  if (!ranges.length) return [[]];
  return ranges.map(([from, to], i) => {
    const row: Span[] = [];
    const pad = l.indent + (i ? l.hang : 0);
    if (pad) row.push({ text: ' '.repeat(pad) });
    let offset = 0;
    for (const s of l.spans) {
      const piece = s.text.slice(Math.max(0, from - offset), Math.max(0, to - offset));
      if (piece) row.push(s.tone ? { text: piece, tone: s.tone } : { text: piece });
      offset += s.text.length;
    }
    const last = row.at(-1);
    if (last) last.text = last.text.trimEnd();
    return row;
  });
}

/** Lines as plain text, wrapped to `columns` when the window's width is known. */
export function linesText(lines: readonly Line[], columns?: number): string {
  return `${lines.flatMap((l) => wrapLine(l, columns).map((row) => row.map((s) => s.text).join(''))).join('\n')}\n`;
}
