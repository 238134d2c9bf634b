import { usageError } from '../core/errors.js';

/** Ten minutes is longer than any answer is worth waiting for, and far below where Node's timers overflow (2^31-1 ms) and fire at once. */
const MAX_TIMEOUT_S = 600;

/** `--timeout <seconds>` as milliseconds, `defaultS` when not given; anything but a positive number up to ten minutes is a usage error. */
export function timeoutFlagMs(flag: string | undefined, defaultS: number): number {
  const seconds = flag === undefined ? defaultS : Number(flag);
  if (!Number.isFinite(seconds) || seconds <= 0) throw usageError('--timeout: not a number of seconds', 'Pass a positive number, e.g. --timeout 30.');
  if (seconds > MAX_TIMEOUT_S) throw usageError(`--timeout: more than ${MAX_TIMEOUT_S} seconds`, `Pass at most ${MAX_TIMEOUT_S}, e.g. --timeout 30.`);
  return Math.round(seconds * 1000);
}
