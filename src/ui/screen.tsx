import { render, renderToString } from 'ink';
import type { ReactNode } from 'react';
import type { OutStream } from '../core/io.js';

/** A live terminal screen: shows one element, then another, and leaves the last one on screen. */
export interface Screen {
  show(node: ReactNode): void;
  /** Clears the live element, prints the final one once, and gives the terminal back. */
  finish(node: ReactNode): Promise<void>;
  /** Clears the live element and gives the terminal back, printing nothing. */
  close(): Promise<void>;
}

/** Mounts Ink on `stdout`; Ctrl-C stays with keyward's own handler. */
export function openScreen(stdout: OutStream, first: ReactNode): Screen {
  const instance = render(first, { stdout, exitOnCtrlC: false, patchConsole: false });
  const close = async (): Promise<void> => {
    instance.rerender(null);
    await instance.waitUntilRenderFlush();
    instance.unmount();
    await instance.waitUntilExit();
  };
  return {
    close,
    show(node) {
      instance.rerender(node);
    },
    async finish(node) {
      // A live frame taller than the window is redrawn by clearing the screen, which prints it twice:
      // the final element is written once, as plain output, after the live one is erased.
      await close();
      stdout.write(`${renderToString(node, { columns: stdout.columns ?? 80 })}\n`);
    },
  };
}
