import type { KeySourceKind } from '../core/report.js';
import type { Secret } from '../core/secret.js';
import type { Provider } from '../providers/index.js';

/** One value found for a provider's variable in one source. */
export interface KeyEntry {
  provider: Provider;
  variable: string;
  source: KeySourceKind;
  /** The .env file it came from, relative to the project root; null for env and keychain. */
  file: string | null;
  /** 1-based line in `file`, where known. */
  line: number | null;
  /** The keychain account (`openai/my-app`); null for env and .env. */
  account: string | null;
  /** The value exactly as the source holds it (not trimmed): malformed values are findings. */
  secret: Secret;
}

/** For one provider: the entry that wins under keyward's order, and the different values it shadows. */
export interface ResolvedKey {
  provider: Provider;
  winner: KeyEntry;
  /** Entries for the same provider holding a different value, in resolution order. */
  shadowed: KeyEntry[];
  /** Every entry found, winner included, in resolution order. */
  all: KeyEntry[];
}
