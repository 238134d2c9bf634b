import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { CheckStatus, Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { formatKey, formatLocation, formatSecret, SEVERITY_SYMBOL, STATUS_SYMBOL, type Presentation } from '../report/present.js';

const STATUS_COLOR: Record<CheckStatus, string> = { pass: 'green', fail: 'red', error: 'yellow', skip: 'gray' };
const SEVERITY_COLOR: Record<Severity, string> = { critical: 'red', high: 'red', medium: 'yellow', low: 'yellow', info: 'blue' };

function FindingView({ finding }: { finding: Finding }) {
  const where = formatLocation(finding);
  const secret = formatSecret(finding);
  return (
    <Box flexDirection="column" marginLeft={2}>
      <Text>
        <Text color={SEVERITY_COLOR[finding.severity]}>
          {SEVERITY_SYMBOL[finding.severity]} {finding.severity}
        </Text>{' '}
        <Text bold>{finding.title}</Text>
      </Text>
      <Box flexDirection="column" marginLeft={4}>
        {where ? <Text dimColor>at {where}</Text> : null}
        <Text>{finding.detail}</Text>
        {secret ? <Text dimColor>key: {secret}</Text> : null}
        <Text>
          <Text color="cyan">fix:</Text> {finding.fix}
        </Text>
      </Box>
    </Box>
  );
}

/** The doctor's report: grouped by category, a symbol per check, each finding with its fix. */
export function DoctorView({ root, presentation }: { root: string; presentation: Presentation }) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>keyward doctor</Text> <Text dimColor>{root}</Text>
      </Text>
      {presentation.sections.map((section, s) => (
        <Box key={section.heading ?? s} flexDirection="column" marginTop={section.heading ? 1 : 0}>
          {section.heading ? (
            <Text bold color="magenta">
              {section.heading}
            </Text>
          ) : null}
          <Box flexDirection="column" marginLeft={section.heading ? 2 : 0}>
            {section.groups.map((g) => (
              <Box key={g.category} flexDirection="column" marginTop={1}>
                <Text bold underline>
                  {g.title}
                </Text>
                {g.checks.map((c) => (
                  <Text key={c.id}>
                    {'  '}
                    <Text color={STATUS_COLOR[c.status]}>{STATUS_SYMBOL[c.status]}</Text> {c.id}
                    {c.note ? <Text dimColor> ({c.note})</Text> : null}
                  </Text>
                ))}
                {g.findings.map((f, i) => (
                  <FindingView key={`${f.rule}-${i}`} finding={f} />
                ))}
              </Box>
            ))}
          </Box>
        </Box>
      ))}
      {presentation.keys.length ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold underline>
            Keys in use
          </Text>
          {presentation.keys.map((k) => (
            <Text key={`${k.app ?? ''}${k.provider}`}>
              {'  '}
              {formatKey(k)}
            </Text>
          ))}
        </Box>
      ) : null}
      <Box marginTop={1}>
        <Text bold color={presentation.failed ? 'red' : 'green'}>
          {presentation.summary}
        </Text>
      </Box>
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
