import type { Choice } from '../prompts/types.js';
import type { Provider } from '../providers/index.js';
import type { TestResults } from './types.js';

/** Why the test calls of a new key failed, as the person must act on it. */
export type FailureKind = 'invalid' | 'quota' | 'rate-limit' | 'unreachable' | 'other';

/** The choices after a failed test: the same key again, another key, store it as it is, or stop. */
export type NextStep = 'retest' | 'another' | 'keep' | 'stop';

const UNREACHABLE = /^permission\.(network|timeout|server)$/;

export function failureKind(failed: TestResults): FailureKind {
  const rules = failed.map((r) => r.call.rule ?? '');
  if (rules.includes('permission.invalid-key')) return 'invalid';
  if (rules.includes('permission.quota')) return 'quota';
  if (rules.every((r) => UNREACHABLE.test(r))) return 'unreachable';
  if (rules.includes('permission.rate-limit')) return 'rate-limit';
  return 'other';
}

/** The question after a failed test: it says what failed in the person's words, and never "works" next to "failed". */
export function failureMenu(kind: FailureKind, failed: TestResults, provider: Provider, timeoutMs: number): { question: string; choices: Array<Choice<NextStep>>; default: NextStep } {
  const p = provider.name;
  const timedOut = failed.some((r) => r.call.rule === 'permission.timeout');
  const question = {
    invalid: `${p} rejected the key you pasted as invalid or revoked. What now?`,
    quota: `The key you pasted is valid, but its ${p} account is out of credit. What now?`,
    'rate-limit': `The key you pasted is valid, but ${p} rate-limited the test calls. What now?`,
    unreachable: timedOut ? `${p} did not answer within ${Math.round(timeoutMs / 1000)} s, so the key you pasted is untested. What now?` : `${p} could not be reached, so the key you pasted is untested. What now?`,
    other: 'The key you pasted did not pass its test. What now?',
  }[kind];
  const keep = {
    invalid: 'Only if you know why it was rejected.',
    quota: 'The key is valid; its calls fail until the account has credit.',
    'rate-limit': 'The key is valid; its calls work again once the limit resets.',
    unreachable: 'The key itself may be fine.',
    other: 'Only if you know why the call failed.',
  }[kind];
  return {
    question,
    choices: [
      { value: 'retest', name: 'Retry the test', description: `The same key, tested again: no need to paste it again.${timedOut ? ' `keyward setup --timeout 60` waits longer.' : ''}` },
      { value: 'another', name: 'Enter another key' },
      { value: 'keep', name: 'Store it anyway', description: keep },
      { value: 'stop', name: 'Stop (nothing is stored)' },
    ],
    default: kind === 'invalid' || kind === 'other' ? 'another' : kind === 'quota' ? 'keep' : 'retest',
  };
}

/** The Done screen's warning for a key stored without a passing test. */
export function untestedWarning(kind: FailureKind | 'skipped', provider: Provider): string {
  const why = {
    invalid: `${provider.name} rejected it as invalid or revoked`,
    quota: 'its account had no credit',
    'rate-limit': 'its test calls were rate-limited',
    unreachable: `${provider.name} could not be reached`,
    other: 'its test calls failed',
    skipped: '--skip-test',
  }[kind];
  return `The key is untested (${why}): run \`keyward test --provider ${provider.id}\` to test it.`;
}
