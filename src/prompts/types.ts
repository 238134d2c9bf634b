/** One choice of a `select` question. */
export interface Choice<T extends string> {
  value: T;
  name: string;
  description?: string;
  /** A reason the choice cannot be taken, shown beside it. */
  disabled?: string;
}

/**
 * The questions the wizard asks. The real one is @inquirer/prompts; tests script the answers and
 * fail on any question they did not expect. Every method rejects with a `cancelled` KeywardError
 * when the person presses Ctrl-C.
 */
export interface Prompter {
  select<T extends string>(message: string, choices: ReadonlyArray<Choice<T>>, defaultValue?: T): Promise<T>;
  /** A masked answer: the typed or pasted text is never echoed. `validate` returns an error message or null. */
  secret(message: string, validate: (value: string) => string | null): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  input(message: string, defaultValue: string, validate?: (value: string) => string | null): Promise<string>;
}
