/** One safe fix: loses nothing and needs no judgment (issue 8). */
export type FixAction =
  | { kind: 'gitignore'; file: string; line: string }
  | { kind: 'untrack'; file: string }
  | { kind: 'chmod'; file: string }
  | { kind: 'example'; file: string; variables: string[] }
  /** `folder`: the project's folder, relative to the root (with the name, its keychain account); `language`: the app's, so the note says how it now gets the key. */
  | { kind: 'to-keychain'; file: string; variable: string; provider: string; project: string; folder: string; language: 'node' | 'python' | 'unknown' };

/** A planned fix with what it needs to still be true when it is applied. */
export interface PlannedFix {
  action: FixAction;
  /** What it does, in a sentence ("Add "/.env" to .gitignore"). */
  describe: string;
  /** sha256 of the files it reads, as seen when planned: a file changed since is not touched. */
  seen: Record<string, string | null>;
}

export type FixResult = { fix: PlannedFix; applied: true; note?: string } | { fix: PlannedFix; applied: false; reason: string };

/** A fix only a person can make (rotate a leaked key, rewrite history, remove a literal). */
export interface ManualStep {
  rule: string;
  step: string;
}
