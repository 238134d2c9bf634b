import type { KeySourceKind } from '../core/report.js';
import type { Secret } from '../core/secret.js';
import type { Provider } from '../providers/index.js';

/** The three test calls of design.md: a free key check, one completion, one stream under load. */
export type CallName = 'auth' | 'sync' | 'async';

export const CALL_NAMES: readonly CallName[] = ['auth', 'sync', 'async'];

/** Where the key under test came from: plain data, so live/ needs nothing from stores/. */
export interface KeyOrigin {
  variable: string;
  /** `pasted` and `stdin`: a key just given to setup or rotate, not yet stored anywhere. */
  source: KeySourceKind | 'pasted' | 'stdin';
  /** The .env file, relative to the project root; null for env and keychain. */
  file: string | null;
  /** Other sources that hold a different key for the same provider, which this one shadows. */
  shadows: { source: KeySourceKind; file: string | null }[];
}

/** A header the SDK sends from the environment (`OPENAI_ORG_ID` -> `OpenAI-Organization`). */
export interface HeaderOrigin {
  variable: string;
  value: string;
}

/** What one run of test calls is aimed at. */
export interface LiveTarget {
  provider: Provider;
  /** null when no key is configured: the call is not made and the finding says so. */
  key: Secret | null;
  origin: KeyOrigin | null;
  baseURL: string;
  model: string;
  timeoutMs: number;
  /** OpenAI only: the organization and project headers the SDK would add from the environment. */
  organization: HeaderOrigin | null;
  project: HeaderOrigin | null;
}

/**
 * What went wrong, as seen from the client: the input of the classifier. Bodies are raw text so
 * that shapes the SDK drops (Gemini's array, Mistral's `{"message"}`) still count.
 */
export type Failure =
  | { kind: 'http'; status: number; headers: Readonly<Record<string, string>>; contentType: string; body: string }
  | { kind: 'stream'; body: unknown; chunks: number }
  | { kind: 'connection'; codes: string[]; messages: string[] }
  | { kind: 'timeout'; stage: 'connect' | 'response' | 'stream' }
  | { kind: 'key-charset'; index: number | null }
  | { kind: 'no-key' }
  /** The base URL does not parse as an http(s) URL, so no call could be made. */
  | { kind: 'bad-base-url' }
  | { kind: 'unexpected'; message: string };
