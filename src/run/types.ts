/**
 * Takes over `signals` for the process while a child runs; the returned function gives them back.
 * The real one replaces main's "exit 130 on Ctrl-C", so keyward outlives the child and returns its code.
 */
export type SignalTrap = (signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void) => () => void;
