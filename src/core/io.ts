import type { Readable, Writable } from 'node:stream';

/** An output stream with what keyward needs to know about the terminal behind it. */
export interface OutStream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface InStream extends Readable {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What the terminal allows: colours, live redraws, questions. */
export interface Terminal {
  /** stdout is a terminal and NO_COLOR is unset: colour and cursor movement are allowed. */
  rich: boolean;
  /** A person can answer questions: stdin and stdout are terminals and CI is not set. */
  interactive: boolean;
}
