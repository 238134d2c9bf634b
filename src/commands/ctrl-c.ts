/**
 * Ctrl-C as an abort the wizards (setup, rotate) handle, instead of the bin's exit at once: the
 * test calls' progress is erased, and during the changes the message says what was written. The
 * bin's own handler is back once the wizard ends.
 */
export function ctrlC(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const bins = process.listeners('SIGINT');
  process.removeAllListeners('SIGINT');
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    release() {
      process.removeListener('SIGINT', onSigint);
      for (const l of bins) process.on('SIGINT', l);
    },
  };
}
