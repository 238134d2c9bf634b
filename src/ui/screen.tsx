import { render } from 'ink';
import type { ReactNode } from 'react';
import type { OutStream } from '../core/io.js';

/** A live terminal screen: shows one element, then another, and leaves the last one on screen. */
export interface Screen {
  show(node: ReactNode): void;
  /** Draws the final element and gives the terminal back. */
  finish(node: ReactNode): Promise<void>;
}

/** Mounts Ink on `stdout`; Ctrl-C stays with keyward's own handler. */
export function openScreen(stdout: OutStream, first: ReactNode): Screen {
  const instance = render(first, { stdout, exitOnCtrlC: false, patchConsole: false });
  return {
    show(node) {
      instance.rerender(node);
    },
    async finish(node) {
      instance.rerender(node);
      await instance.waitUntilRenderFlush();
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
