import { Box, renderToString, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Finding } from '../core/finding.js';
import type { OutStream } from '../core/io.js';
import type { CallReport } from '../core/report.js';
import { cancelled } from '../core/errors.js';
import { callState, callSummary } from '../report/call-line.js';
import { formatKey } from '../report/present.js';
import { keychainStatusLine } from '../report/setup-text.js';
import type { KeychainSurvey, LoadAdvice, SetupChange, SetupView, Survey } from '../setup/types.js';
import { openScreen } from './screen.js';
import { TestCallsView, type CallRow, type TargetRow } from './TestCallsView.js';

/** Step 1: what is here. */
export function SurveyView({ survey }: { survey: Survey }) {
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text>
        <Text bold color="cyan">keyward setup</Text> <Text dimColor>{survey.root}</Text>
      </Text>
      <Text>
        {'  '}Project <Text bold>{survey.project}</Text>
        {survey.git === 'repo' ? ', git repository' : survey.git === 'none' ? ', not a git repository' : ', git cannot read the repository'}
      </Text>
      <Text>
        {'  '}Uses: {survey.used.length ? survey.used.map((u) => `${u.provider} (${u.reasons.join(', ')})`).join('; ') : 'no LLM provider found yet'}
      </Text>
      {survey.keys.length ? survey.keys.map((k) => <Text key={k.provider}>{'  '}Key: {formatKey(k)}</Text>) : <Text>{'  '}Keys: none in the environment or .env files</Text>}
    </Box>
  );
}

/** Step 1's end, before the store question: whether the OS keychain can be used, and the keys it holds. */
export function KeychainView({ keychain }: { keychain: KeychainSurvey }) {
  return (
    <Box flexDirection="column">
      <Text color={keychain.status.usable ? undefined : 'yellow'}>{keychainStatusLine(keychain)}</Text>
      {keychain.keys.map((k) => (
        <Text key={k.provider}>{'  '}Key: {formatKey(k)}</Text>
      ))}
    </Box>
  );
}

const NOTE = { info: ['●', 'blue'], ok: ['✓', 'green'], warn: ['▲', 'yellow'], error: ['✖', 'red'] } as const;

/** A message about the key or a choice. */
export function NoteView({ level, text }: { level: keyof typeof NOTE; text: string }) {
  const [mark, color] = NOTE[level];
  return (
    <Text>
      <Text color={color}>{mark}</Text> {text}
    </Text>
  );
}

/** Steps 4 to 6: what changed and how the app gets the key. */
export function DoneView({ changes, advice }: { changes: SetupChange[]; advice: LoadAdvice }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text bold>Done:</Text>
      {changes.map((c, i) => (
        <Box key={i} flexDirection="column">
          <Text>
            {'  '}
            <Text color="green">✓</Text> {c.what}
          </Text>
          {c.warning ? (
            <Text>
              {'    '}
              <Text color="yellow">▲ {c.warning}</Text>
            </Text>
          ) : null}
        </Box>
      ))}
      <Box marginTop={1}>
        <Text bold>How your app gets {advice.variable}:</Text>
      </Box>
      {advice.lines.map((l) => (
        <Box key={l.label} flexDirection="column">
          <Text>{'  '}{l.label}:</Text>
          <Text color="cyan">{'    '}{l.code}</Text>
        </Box>
      ))}
    </Box>
  );
}

/** The running call's clock: "Calling OpenAI… 3 s (gives up at 20 s)". */
export function CallingLine({ provider, seconds, timeoutMs }: { provider: string; seconds: number; timeoutMs: number }) {
  return (
    <Text dimColor>
      {'  '}Calling {provider}… {seconds} s (gives up at {Math.round(timeoutMs / 1000)} s)
    </Text>
  );
}

function callRow(call: CallReport | null, name: string, request: string, running: boolean): CallRow {
  if (!call) return { name, request, state: running ? 'running' : 'waiting', summary: '' };
  return { name, request, state: callState(call), summary: callSummary(call, 'brief') };
}

/** The wizard's screens drawn with Ink: static blocks between prompts, a live view only while calls run. */
export function createInkSetupView(stdout: OutStream): SetupView {
  const columns = stdout.columns ?? 80;
  const print = (node: ReactNode) => stdout.write(`${renderToString(node, { columns })}\n`);
  return {
    survey: (survey) => print(<SurveyView survey={survey} />),
    keychain: (keychain) => print(<KeychainView keychain={keychain} />),
    note: (level, text) => print(<NoteView level={level} text={text} />),
    done: (changes, advice) => print(<DoneView changes={changes} advice={advice} />),
    async testCalls({ provider, key, baseURL, timeoutMs }, run, interrupt) {
      const names = [
        { name: 'sync', request: 'POST /chat/completions' },
        { name: 'async', request: 'POST /chat/completions stream' },
      ];
      const done: Array<CallReport | null> = names.map(() => null);
      // Each call has its own timeout, so the clock restarts with each call.
      let callStarted = Date.now();
      const view = (findings: Finding[], live: boolean) => {
        const running = done.findIndex((c) => c === null);
        const target: TargetRow = {
          provider: provider.id,
          key: key.redacted,
          baseURL,
          calls: names.map((n, i) => callRow(done[i] ?? null, n.name, n.request, i === running)),
        };
        return (
          <Box flexDirection="column">
            <TestCallsView targets={[target]} findings={findings} summary={null} />
            {live && running >= 0 ? <CallingLine provider={provider.name} seconds={Math.floor((Date.now() - callStarted) / 1000)} timeoutMs={timeoutMs} /> : null}
          </Box>
        );
      };
      const screen = openScreen(stdout, view([], true));
      const tick = setInterval(() => screen.show(view([], true)), 1000);
      let onAbort = () => undefined as void;
      const stop = new Promise<'stopped'>((resolve) => {
        onAbort = () => resolve('stopped');
        if (interrupt?.aborted) onAbort();
        interrupt?.addEventListener('abort', onAbort, { once: true });
      });
      const calls = run((call) => {
        const i = names.findIndex((n) => n.name === call.name);
        if (i >= 0) done[i] = call;
        callStarted = Date.now();
        screen.show(view([], true));
      });
      const results = await Promise.race([calls, stop]).finally(() => {
        clearInterval(tick);
        interrupt?.removeEventListener('abort', onAbort);
      });
      if (results === 'stopped') {
        // The progress is erased before the cancelled line, which would otherwise sit under a frozen spinner.
        await screen.finish(<Text>Test calls to {provider.name} stopped.</Text>);
        throw cancelled();
      }
      results.forEach((r, i) => (done[i] = r.call));
      // Unmounted before the next prompt: Ink and the prompt never read stdin at the same time.
      await screen.finish(view(results.flatMap((r) => (r.finding ? [r.finding] : [])), false));
      return results;
    },
  };
}
