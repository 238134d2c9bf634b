/** Finding severities, most severe first; the order is the one --fail-on compares with. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for comparisons: 0 is the most severe. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is at or above `threshold` (critical is above high). */
export function isAtLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

/** Narrows a user-given string to a severity, or undefined. */
export function parseSeverity(value: string): Severity | undefined {
  return (SEVERITIES as readonly string[]).includes(value) ? (value as Severity) : undefined;
}
