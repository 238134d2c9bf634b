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
  /**
   * A hidden answer: the typed or pasted text is never echoed. Each call is a fresh, empty prompt
   * that takes whatever arrives: the caller checks it and asks again, so a refused value is gone
   * rather than kept in the prompt for the next paste to be appended to.
   */
  secret(message: string): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  input(message: string, defaultValue: string, validate?: (value: string) => string | null): Promise<string>;
}
