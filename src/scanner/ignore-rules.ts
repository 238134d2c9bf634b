import ignore, { type Ignore } from 'ignore';

/** Paths matched by gitignore rules (the one module that imports the `ignore` package). */
export type IgnoreRules = Pick<Ignore, 'ignores' | 'test'>;

/** The rules of gitignore-syntax text: a `.gitignore` or a `.keywardignore`. */
export function gitignoreRules(text: string): IgnoreRules {
  return ignore().add(text);
}
