import { confirm, input, password, select } from '@inquirer/prompts';
import { cancelled } from '../core/errors.js';
import type { InStream, OutStream } from '../core/io.js';
import type { Prompter } from './types.js';

/** Ctrl-C (ExitPromptError) and an aborted prompt become keyward's own cancellation. */
async function guard<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) throw cancelled();
    throw error;
  }
}

const toInquirer = (validate?: (v: string) => string | null) => (validate ? (v: string) => validate(v) ?? true : undefined);

/** The real prompter on the given terminal streams. */
export function createInquirerPrompter(stdin: InStream, stdout: OutStream): Prompter {
  const context = { input: stdin, output: stdout };
  return {
    select: (message, choices, defaultValue) =>
      guard(() =>
        select(
          {
            message,
            choices: choices.map((c) => ({ value: c.value, name: c.name, ...(c.description ? { description: c.description } : {}), ...(c.disabled ? { disabled: c.disabled } : {}) })),
            ...(defaultValue !== undefined ? { default: defaultValue } : {}),
          },
          context,
        ),
      ),
    // No echo at all, not even one mask character per key character (that would show its length), and
    // no Ctrl-T reveal: the key must never reach the screen or the scrollback.
    // No validate: @inquirer's password prompt writes a refused value back into its line, and the next paste lands after it.
    secret: (message) => guard(() => password({ message, mask: false, toggleMask: false }, context)),
    confirm: (message, defaultValue) => guard(() => confirm({ message, default: defaultValue }, context)),
    input: (message, defaultValue, validate) =>
      guard(() => input({ message, default: defaultValue, ...(validate ? { validate: toInquirer(validate)! } : {}) }, context)),
  };
}
