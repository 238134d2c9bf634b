/** What a key grants, as far as its format tells. */
export type KeyKind = 'project' | 'service-account' | 'admin' | 'legacy' | 'api' | 'org';

/** One shape a provider's keys take. */
export interface KeyFormat {
  kind: KeyKind;
  /** The recognised prefix shown in the redacted form (`sk-proj-`); empty for prefix-less keys. */
  prefix: string;
  /** Regex source of the whole key, no anchors and no flags; lengths stay open where providers vary them. */
  body: string;
  /**
   * Lowercase literals of which at least one is in every key of this format: the scanner's
   * prefilter. Prefix-less formats have none and are found only next to their variable names.
   */
  literals: string[];
}

/** How a test call reaches the provider through the OpenAI SDK. */
export interface ApiInfo {
  /** OpenAI-compatible base URL; null where the provider has none. */
  baseURL: string | null;
  /** The ecosystem's variable that changes the base URL (`OPENAI_BASE_URL`). */
  baseUrlEnv: string | null;
  /** The free call that proves a key: a path under the base URL or an absolute URL; null if none is free. */
  authPath: string | null;
  defaultModel: string;
}

/** A sample the table test feeds to the registry: built at run time, never committed as a literal. */
export interface KeySample {
  kind: KeyKind;
  make: () => string;
}

export interface Provider {
  id: string;
  name: string;
  /** Variables the ecosystem reads, the canonical one first. */
  envVars: string[];
  formats: KeyFormat[];
  /** Words that, next to a prefix-less key, say it belongs to this provider (variable names). */
  contextWords: string[];
  api: ApiInfo;
  dashboard: { keys: string; revoke: string };
  /**
   * Dependencies that mean a project uses this provider, each with the variables it reads for the
   * key in its own order (research/sdk-variables.md); empty for an SDK that takes the key only as an option.
   */
  packages: { npm: Record<string, readonly string[]>; python: Record<string, readonly string[]> };
  /**
   * Of those, the ones that work without a key for what most apps do with them (transformers runs
   * public models on the machine; the Hub's clients download public files): a provider known only
   * from them is a note.
   */
  keyOptionalPackages?: readonly string[];
  /** Words that, inside a variable name an app's code reads (`GOOGLE_GEMINI_API_KEY`), say it holds this provider's key. */
  nameWords: string[];
  samples: { valid: KeySample[]; invalid: string[] };
}
