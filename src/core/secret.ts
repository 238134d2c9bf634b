import { inspect } from 'node:util';
import { fingerprint, redact } from './fingerprint.js';

/**
 * A key held in memory. Printing, logging, JSON-encoding or string-concatenating it yields only
 * the redacted form, so a forgotten `console.log(entry)` or an error message built from it
 * cannot leak the key. `reveal()` is the one deliberate way out (to a store or an HTTP header).
 */
export class Secret {
  readonly #value: string;
  readonly fingerprint: string;
  readonly redacted: string;

  constructor(value: string, prefix = '') {
    this.#value = value;
    this.fingerprint = fingerprint(value);
    this.redacted = redact(value, prefix);
  }

  /** The key itself; call only where it must go to a store, a child's environment or a request. */
  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return this.redacted;
  }

  toJSON(): string {
    return this.redacted;
  }

  [inspect.custom](): string {
    return `Secret(${this.redacted} ${this.fingerprint})`;
  }
}
