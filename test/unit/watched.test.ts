import { describe, expect, it } from 'vitest';
import { watched } from '../../src/commands/progress.js';
import { isKeywardError } from '../../src/core/errors.js';
import type { Deps } from '../../src/deps.js';

/**
 * Deps with a Ctrl-C the test presses: `watched` reads only the signal trap, the progress delay
 * and git from them.
 */
function withCtrlC(): { deps: Deps; press: () => void } {
  let handler: ((s: NodeJS.Signals) => void) | null = null;
  const deps = {
    env: { KEYWARD_PROGRESS_DELAY_MS: '0' },
    trapSignals: (_: readonly NodeJS.Signals[], h: (s: NodeJS.Signals) => void) => {
      handler = h;
      return () => {
        handler = null;
      };
    },
    git: () => Promise.reject(new Error('no git in this test')),
  } as unknown as Deps;
  return { deps, press: () => handler?.('SIGINT') };
}

/** A view whose closing (Ink's unmount) ends only when the test says. */
function slowView(): { view: { close: () => Promise<void> }; finishClosing: () => void } {
  let finishClosing = () => undefined as void;
  const closed = new Promise<void>((resolve) => {
    finishClosing = resolve;
  });
  return { view: { close: () => closed }, finishClosing };
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    return `resolved ${JSON.stringify(await p)}`;
  } catch (e) {
    return isKeywardError(e) ? `${e.kind}: ${e.message}` : `threw ${(e as Error).message}`;
  }
}

describe('a Ctrl-C while watched work runs', () => {
  // The doctor's history check turns a killed git into a gap in its report, so the work ends
  // with a report, not an error, while the screen is still closing: the stop must still win.
  it('ends as cancelled even when the work, stopped by it, finishes with a result before the view has closed', async () => {
    const { deps, press } = withCtrlC();
    const { view, finishClosing } = slowView();
    const run = watched(deps, view, (w) => new Promise((resolve) => w.signal.addEventListener('abort', () => resolve('a report with a gap'))));
    press();
    await new Promise((r) => setTimeout(r, 10));
    finishClosing();
    expect(await outcome(run)).toBe('cancelled: Stopped. Nothing was changed.');
  });

  it('ends as cancelled when the work fails because it was stopped (its git killed)', async () => {
    const { deps, press } = withCtrlC();
    const { view, finishClosing } = slowView();
    const run = watched(deps, view, (w) => new Promise((_, reject) => w.signal.addEventListener('abort', () => reject(new Error('git killed')))));
    press();
    await new Promise((r) => setTimeout(r, 10));
    finishClosing();
    expect(await outcome(run)).toBe('cancelled: Stopped. Nothing was changed.');
  });

  it('returns the result of work that ends with no Ctrl-C', async () => {
    const { deps } = withCtrlC();
    expect(await outcome(watched(deps, {}, () => Promise.resolve(7)))).toBe('resolved 7');
  });
});
