import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Report } from '../core/report.js';
import { reportLines, wrapLine, type Span, type Tone } from '../report/terminal-lines.js';

const TONE: Record<Tone, { color?: string; bold?: boolean; dimColor?: boolean; underline?: boolean }> = {
  title: { bold: true },
  dim: { dimColor: true },
  heading: { bold: true, color: 'magenta' },
  category: { bold: true, underline: true },
  strong: { bold: true },
  fix: { color: 'cyan' },
  ok: { bold: true, color: 'green' },
  bad: { bold: true, color: 'red' },
  pass: { color: 'green' },
  fail: { color: 'red' },
  error: { color: 'yellow' },
  skip: { color: 'gray' },
  critical: { color: 'red' },
  high: { color: 'red' },
  medium: { color: 'yellow' },
  low: { color: 'yellow' },
  info: { color: 'blue' },
};

function Row({ spans }: { spans: Span[] }) {
  if (!spans.length) return <Box height={1} />;
  return (
    <Text>
      {spans.map((s, i) => (
        <Text key={i} {...(s.tone ? TONE[s.tone] : {})}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/**
 * The doctor's report in colour: the same lines as the plain-text report, wrapped here to `columns`
 * at spaces so Ink never breaks a word or starts a row with a space.
 */
export function DoctorView({ report, columns, verbose = false }: { report: Report; columns: number; verbose?: boolean }) {
  const rows = reportLines(report, { verbose }).flatMap((l) => wrapLine(l, columns));
  return (
    <Box flexDirection="column">
      {rows.map((spans, i) => (
        <Row key={i} spans={spans} />
      ))}
    </Box>
  );
}

/** Shown while the checks run. */
export function Working({ label }: { label: string }) {
  return (
    <Text>
      <Text color="cyan">
        <Spinner type="dots" />
      </Text>{' '}
      {label}
    </Text>
  );
}
