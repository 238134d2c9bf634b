/** A key to hide and the text to show in its place. */
export interface MaskedKey {
  value: string;
  redacted: string;
}

/** Keys shorter than this are not masked: replacing every `a` of a one-letter value would garble the output. */
export const MIN_MASKED_LENGTH = 8;

interface Pattern {
  /** The key and its redacted form as byte strings (latin1), so output bytes pass through unchanged. */
  value: string;
  redacted: string;
  /** How much of the key its redacted form shows at its start (`sk-proj-`): releasing that much reveals nothing. */
  visible: number;
}

const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/**
 * Replaces keys in a byte stream with their redacted forms, also when a key arrives split across
 * chunks. The end of a chunk that could be the start of a key is held back until the next chunk
 * shows whether it is one. Text is handled as latin1, one character per byte, so any output
 * (UTF-8 split mid-character, binary, escape codes) passes through byte for byte.
 */
export class StreamRedactor {
  readonly #patterns: Pattern[];
  /** The end of the stream that may be a key's beginning. */
  #tail = '';
  /** How many characters of #tail were already released by `idle()`. */
  #tailEmitted = 0;

  constructor(keys: readonly MaskedKey[]) {
    const unique = new Map<string, MaskedKey>();
    for (const k of keys) if (k.value.length >= MIN_MASKED_LENGTH) unique.set(k.value, k);
    // Longest first, so a key that contains another is replaced whole.
    this.#patterns = [...unique.values()]
      .sort((a, b) => b.value.length - a.value.length)
      .map((k) => {
        const redacted = bytes(k.redacted);
        const value = bytes(k.value);
        const shown = redacted.split(bytes('…'))[0] ?? '';
        return { value, redacted, visible: value.startsWith(shown) ? shown.length : 0 };
      });
  }

  /** Takes a chunk of output and returns what can be written now. */
  push(chunk: Buffer): Buffer {
    if (this.#patterns.length === 0) return chunk;
    const buf = this.#tail + chunk.toString('latin1');
    const emitted = this.#tailEmitted;
    let out = '';
    let cursor = 0;
    for (;;) {
      const hit = this.#nextKey(buf, cursor);
      if (!hit) break;
      if (hit.index >= emitted) out += buf.slice(Math.max(cursor, emitted), hit.index) + hit.pattern.redacted;
      // Released by idle(), which only ever releases what the redacted form shows at its start.
      else out += hit.pattern.redacted.slice(emitted - hit.index);
      cursor = hit.index + hit.pattern.value.length;
    }
    const rest = buf.slice(cursor);
    const hold = this.#heldLength(rest);
    const keepFrom = buf.length - hold;
    out += buf.slice(Math.max(cursor, emitted), Math.max(keepFrom, emitted));
    this.#tail = buf.slice(keepFrom);
    this.#tailEmitted = Math.max(0, emitted - keepFrom);
    return Buffer.from(out, 'latin1');
  }

  /**
   * The output went quiet: release the held text if it shows no more than a redacted form would
   * (a prompt ending in `s` must not wait for a key that never comes), else keep holding it.
   */
  idle(): Buffer {
    const held = this.#tail;
    for (let j = 0; j < held.length; j += 1) {
      const suffix = held.slice(j);
      for (const p of this.#patterns) if (p.value.startsWith(suffix) && suffix.length > p.visible) return Buffer.alloc(0);
    }
    const out = held.slice(this.#tailEmitted);
    this.#tailEmitted = held.length;
    return Buffer.from(out, 'latin1');
  }

  /** The stream ended: whatever was held is not a key, so it is written as it is. */
  end(): Buffer {
    const out = this.#tail.slice(this.#tailEmitted);
    this.#tail = '';
    this.#tailEmitted = 0;
    return Buffer.from(out, 'latin1');
  }

  /** The earliest whole key at or after `from` (the longest one when two start together). */
  #nextKey(buf: string, from: number): { index: number; pattern: Pattern } | null {
    let best: { index: number; pattern: Pattern } | null = null;
    for (const pattern of this.#patterns) {
      const index = buf.indexOf(pattern.value, from);
      if (index !== -1 && (!best || index < best.index)) best = { index, pattern };
    }
    return best;
  }

  /** The length of the longest end of `text` that is the beginning of a key (but not a whole key). */
  #heldLength(text: string): number {
    let hold = 0;
    for (const p of this.#patterns) {
      for (let k = Math.min(p.value.length - 1, text.length); k > hold; k -= 1) {
        if (text.endsWith(p.value.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    return hold;
  }
}
