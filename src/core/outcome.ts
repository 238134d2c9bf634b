/**
 * What a command hands back to src/main.ts, which alone maps it to an exit code:
 * `ok` 0, `findings` 1 (something at or above --fail-on), `child` the child's own code.
 */
export type Outcome = { kind: 'ok' } | { kind: 'findings' } | { kind: 'child'; code: number };

export const OK: Outcome = { kind: 'ok' };
export const FINDINGS: Outcome = { kind: 'findings' };
