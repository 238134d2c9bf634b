import { PassThrough } from 'node:stream';
import type { InStream, OutStream } from '../core/io.js';

/** What a guarded terminal gives the prompts. */
export interface TerminalGuard {
  /** The stream prompts read: keystrokes reach it only while a prompt listens. */
  input: InStream;
  /** Gives the terminal back in the mode it had (echo on again). Safe to call twice. */
  close(): void;
}

const CTRL_C = 0x03;
const BELL = '\x07';

/**
 * Holds the terminal in raw mode with echo off from the first question to the last, so nothing
 * typed between prompts (a second paste of the key during the test calls, arrows pressed during
 * start-up) is echoed by the terminal or read by the next question: keystrokes are passed on only
 * while a prompt listens, and dropped otherwise with the terminal bell, so the person hears that
 * nothing took them. Raw mode turns Ctrl-C into a byte instead of
 * SIGINT: a prompt that listens handles it itself; at any other moment `interrupt` is called.
 * Node resets the terminal mode it found at start when the process exits, so an exit on Ctrl-C
 * restores it too; `close` does it for every other way out.
 */
export function openTerminalGuard(stdin: InStream, stdout: OutStream, interrupt: () => void): TerminalGuard {
  const setRawMode = stdin.setRawMode?.bind(stdin);
  if (!stdin.isTTY || !setRawMode) return { input: stdin, close: () => undefined };

  // readline (under every @inquirer prompt) sets raw mode on and, when the prompt ends, off again:
  // the proxy takes those calls, so the real terminal never leaves raw mode in between.
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: true, setRawMode: () => input });
  // readline listens for 'keypress' on its input exactly while a prompt is open.
  const listening = () => input.listenerCount('keypress') > 0;
  const onData = (chunk: Buffer) => {
    if (listening()) input.write(chunk);
    else if (chunk.includes(CTRL_C)) interrupt();
    else stdout.write(BELL);
  };
  const wasRaw = (stdin as InStream & { isRaw?: boolean }).isRaw ?? false;
  setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();

  let open = true;
  return {
    input,
    close() {
      if (!open) return;
      open = false;
      stdin.removeListener('data', onData);
      setRawMode(wasRaw);
      stdin.pause();
      input.end();
    },
  };
}
