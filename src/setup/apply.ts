import { cancelled, isKeywardError, type KeywardError } from '../core/errors.js';
import type { SetupChange } from './types.js';

/** One change of the wizard's last phase, and the to-do that replaces it when it was not made. */
export interface ApplyStep {
  run(interrupt: AbortSignal | undefined): Promise<SetupChange[]>;
  /** What is left undone, with the command that does it: "Add \"/.env\" to .gitignore: run `keyward doctor --fix`." */
  notDone: string;
}

/** Ctrl-C in the middle of the changes: what was done and what was not, each with its command. */
function interrupted(done: SetupChange[], rest: ApplyStep[]): KeywardError {
  if (done.length === 0) return cancelled();
  return cancelled(['Interrupted while making the changes.', ...done.map((c) => `  Done: ${c.what}`), ...rest.map((s) => `  Not done: ${s.notDone}`)].join('\n'));
}

/**
 * Makes the changes in order. Ctrl-C lets the step in flight finish (each is one atomic write or
 * one keychain call) or give up before it writes (a wait for another keyward's lock), then stops:
 * the steps are ordered so that every prefix is safe (the ignore line before the key).
 */
export async function applySteps(steps: readonly ApplyStep[], interrupt?: AbortSignal): Promise<SetupChange[]> {
  const changes: SetupChange[] = [];
  for (const [i, step] of steps.entries()) {
    if (interrupt?.aborted) throw interrupted(changes, steps.slice(i));
    try {
      changes.push(...(await step.run(interrupt)));
    } catch (error) {
      if (isKeywardError(error) && error.kind === 'cancelled') throw interrupted(changes, steps.slice(i));
      throw error;
    }
  }
  return changes;
}
