import type { CallReport } from '../core/report.js';
import { terminalSafe } from './escape.js';

/** What became of a finished call. */
export type CallState = 'ok' | 'failed' | 'skipped';

/** How much a call's line tells: the wizard's short form, or `keyward test`'s with request id, stream figures and rate limit left. */
export type CallDetail = 'brief' | 'full';

/** The mark before a call's line, in every view. */
export const CALL_MARK: Record<CallState, string> = { ok: '✓', failed: '✗', skipped: '-' };

export function callState(call: CallReport): CallState {
  return call.skipped ? 'skipped' : call.ok ? 'ok' : 'failed';
}

function remaining(call: CallReport): string | undefined {
  const rl = (call.rateLimit ?? {}) as Record<string, number | string>;
  const left = ['Requests', 'Tokens']
    .filter((k) => rl[`remaining${k}`] !== undefined)
    .map((k) => `${rl[`remaining${k}`]} ${k.toLowerCase()}`);
  return left.length ? `${left.join(', ')} left` : undefined;
}

/** A call's one-line result: request, status, latency, (full: request id) model, (full: stream figures, rate limit left), rule. */
export function callSummary(call: CallReport, detail: CallDetail = 'full'): string {
  if (call.skipped) return `${call.request}  not run: an earlier call failed`;
  const status = call.status === null ? 'no answer' : String(call.status);
  const fields =
    detail === 'brief'
      ? [call.model]
      : [
          call.requestId,
          call.model ? `model ${call.model}` : undefined,
          typeof call.ttftMs === 'number' ? `first token ${call.ttftMs}ms, ${call.chunks} chunks, ${call.concurrent} at once` : undefined,
          remaining(call),
        ];
  return [call.request, status, `${call.latencyMs}ms`, ...fields, call.rule].filter(Boolean).join('  ');
}

/** A finished call as a plain-text line: mark, name, summary; the server's parts shown as text. */
export function callLine(call: CallReport, detail: CallDetail = 'full'): string {
  return `  ${CALL_MARK[callState(call)]} ${call.name.padEnd(5)} ${terminalSafe(callSummary(call, detail))}\n`;
}
