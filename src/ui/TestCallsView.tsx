import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Finding } from '../core/finding.js';
import { CALL_MARK } from '../report/call-line.js';
import { terminalSafe } from '../report/escape.js';
import type { Severity } from '../core/severity.js';

/** One call as the view shows it: waiting, running (a spinner), or done with its one-line summary. */
export interface CallRow {
  name: string;
  request: string;
  state: 'waiting' | 'running' | 'ok' | 'failed' | 'skipped';
  /** Latency, request id, model, remaining rate limit; empty until the call is done. */
  summary: string;
}

/** One key under test: which provider, which key from where, which endpoint. */
export interface TargetRow {
  provider: string;
  key: string;
  baseURL: string;
  calls: CallRow[];
}

const MARK = { ...CALL_MARK, waiting: ' ' };
const MARK_COLOR = { ok: 'green', failed: 'red', skipped: 'gray', waiting: 'gray' } as const;
const SEVERITY_COLOR: Record<Severity, string> = { critical: 'red', high: 'red', medium: 'yellow', low: 'yellow', info: 'blue' };

/** `keyward test` as it happens: a spinner per running call, then its result; findings and a summary at the end. */
export function TestCallsView({ targets, findings, summary }: { targets: TargetRow[]; findings: Finding[]; summary: string | null }) {
  return (
    <Box flexDirection="column">
      {targets.map((t, i) => (
        <Box key={`${t.provider}-${i}`} flexDirection="column" marginBottom={1}>
          <Text>
            <Text bold>{t.provider}</Text> {t.key} <Text dimColor>{terminalSafe(t.baseURL)}</Text>
          </Text>
          {t.calls.map((c) => (
            <Text key={c.name}>
              {'  '}
              {c.state === 'running' ? <Spinner type="dots" /> : <Text color={MARK_COLOR[c.state]}>{MARK[c.state]}</Text>}{' '}
              <Text bold>{c.name.padEnd(5)}</Text> <Text dimColor={c.state === 'waiting'}>{terminalSafe(c.summary || c.request)}</Text>
            </Text>
          ))}
        </Box>
      ))}
      {findings.map((f, i) => (
        <Box key={`${f.rule}-${i}`} flexDirection="column" marginLeft={2} marginBottom={1}>
          <Text>
            <Text color={SEVERITY_COLOR[f.severity]}>{f.severity}</Text> <Text bold>{terminalSafe(f.title)}</Text> <Text dimColor>{f.rule}</Text>
          </Text>
          <Box flexDirection="column" marginLeft={4}>
            <Text>{terminalSafe(f.detail)}</Text>
            <Text>
              <Text color="cyan">fix:</Text> {terminalSafe(f.fix)}
            </Text>
          </Box>
        </Box>
      ))}
      {summary ? <Text bold>{summary}</Text> : null}
    </Box>
  );
}
