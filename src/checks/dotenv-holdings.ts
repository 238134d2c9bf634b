import { identifyKey, providerForVariable, type Provider } from '../providers/index.js';
import { publicUseOf } from '../providers/public-use.js';
import { secretFor } from '../stores/collect.js';
import type { KeyEntry } from '../stores/types.js';
import { holdsKey } from './key-value.js';
import type { CheckContext } from './types.js';

/**
 * The keys each readable `.env*` file holds, loaded in the current mode or not: a variable of a
 * known provider holding a key (a placeholder holds none: the file is a template, not a key file),
 * or any value with a provider's own prefix or marker. A Google key under a Firebase or Maps name
 * is the browser's by design: the scan reports it for what it is, so it is no key file's key here.
 */
export function keysInDotenvFiles(ctx: CheckContext): Array<{ file: string; mode: number; keys: KeyEntry[] }> {
  const out: Array<{ file: string; mode: number; keys: KeyEntry[] }> = [];
  for (const { ref, read } of ctx.dotenvFiles) {
    // A file above the app's folder is its own folder's to keep: checked there, once.
    if (!read.ok || ref.inherited) continue;
    const keys: KeyEntry[] = [];
    for (const [variable, { value, line }] of read.values) {
      if (value.trim() === '') continue;
      const provider: Provider | undefined = providerForVariable(variable) ?? identifyKey(value)?.provider;
      if (!provider || !holdsKey(value, provider) || publicUseOf(provider.id, variable, '')) continue;
      keys.push({ provider, variable, source: 'dotenv', file: ref.file, line, account: null, secret: secretFor(value, provider) });
    }
    if (keys.length) out.push({ file: ref.file, mode: read.mode, keys });
  }
  return out;
}
