/**
 * Errors are values with a message for the user and the next step. Only src/main.ts turns them
 * into exit codes (design.md): usage 2, needs-answer 2, failure 3, cancelled 130.
 */
export type ErrorKind = 'usage' | 'needs-answer' | 'failure' | 'cancelled';

export class KeywardError extends Error {
  readonly kind: ErrorKind;
  /** What to do next, as a command or a step. */
  readonly fix: string | undefined;

  constructor(kind: ErrorKind, message: string, fix?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeywardError';
    this.kind = kind;
    this.fix = fix;
  }
}

/** A mistake in the command line. */
export function usageError(message: string, fix?: string): KeywardError {
  return new KeywardError('usage', message, fix);
}

/** An answer is needed and there is no terminal to ask; the fix names the flag. */
export function needsAnswer(message: string, fix: string): KeywardError {
  return new KeywardError('needs-answer', message, fix);
}

/** keyward could not do its job (bad folder, broken repository, unreadable file). */
export function failure(message: string, fix?: string, cause?: unknown): KeywardError {
  return new KeywardError('failure', message, fix, { cause });
}

/** The user pressed Ctrl-C or declined; nothing was changed. */
export function cancelled(message = 'Cancelled; nothing was changed.'): KeywardError {
  return new KeywardError('cancelled', message);
}

export function isKeywardError(e: unknown): e is KeywardError {
  return e instanceof KeywardError;
}
