import { usageError } from '../core/errors.js';
import type { Deps } from '../deps.js';

/** Reads a key piped to standard input (`--key-stdin`), which never shows in `ps` or shell history. */
export async function readKeyFromStdin(deps: Deps, command: 'setup' | 'rotate'): Promise<string> {
  if (deps.stdin.isTTY) {
    throw usageError('--key-stdin reads a piped key, but standard input is a terminal', `Pipe it in: \`pbpaste | keyward ${command} --key-stdin …\`, or leave out --key-stdin to paste it at a hidden prompt.`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of deps.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
