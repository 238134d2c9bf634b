import { expect } from 'vitest';
import { cancelled } from '../../src/core/errors.js';
import type { Choice, Prompter } from '../../src/prompts/types.js';

/** One expected question and its answer; `'cancel'` plays Ctrl-C. */
export type Step =
  | { select: RegExp; answer: string | 'cancel' }
  | { secret: RegExp; answer: string | 'cancel' }
  | { confirm: RegExp; answer: boolean | 'cancel' }
  | { input: RegExp; answer: string | 'cancel' };

/**
 * A prompter that answers from a script and fails the test on any question it did not expect,
 * in the wrong order, or left unasked (call `done()`), the way gh's command stubs do.
 */
export function scriptedPrompter(steps: Step[]): Prompter & { done(): void; asked: string[] } {
  const queue = [...steps];
  const asked: string[] = [];
  const next = (kind: string, message: string): Step => {
    asked.push(message);
    const step = queue.shift();
    if (!step) throw new Error(`unexpected ${kind} question: "${message}"`);
    const [k, pattern] = Object.entries(step)[0] as [string, RegExp];
    if (k !== kind || !pattern.test(message)) throw new Error(`expected ${k} ${pattern}, got ${kind} "${message}"`);
    if (step.answer === 'cancel') throw cancelled();
    return step;
  };
  return {
    asked,
    async select<T extends string>(message: string, choices: ReadonlyArray<Choice<T>>): Promise<T> {
      const step = next('select', message);
      const choice = choices.find((c) => c.value === step.answer);
      if (!choice) throw new Error(`"${String(step.answer)}" is not a choice of "${message}": ${choices.map((c) => c.value).join(', ')}`);
      if (choice.disabled) throw new Error(`"${choice.value}" is disabled: ${choice.disabled}`);
      return choice.value;
    },
    async secret(message) {
      return next('secret', message).answer as string;
    },
    async confirm(message) {
      return next('confirm', message).answer as boolean;
    },
    async input(message) {
      return next('input', message).answer as string;
    },
    done() {
      expect(queue, `questions never asked after: ${asked.join(' / ')}`).toEqual([]);
    },
  };
}
