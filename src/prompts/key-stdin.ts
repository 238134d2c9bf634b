import { usageError } from '../core/errors.js';
import type { InStream } from '../core/io.js';

/** Reads a key piped to standard input (`--key-stdin`), which never shows in `ps` or shell history: the hidden prompt's other way in. */
export async function readKeyFromStdin(stdin: InStream, command: 'setup' | 'rotate'): Promise<string> {
  if (stdin.isTTY) {
    throw usageError('--key-stdin reads a piped key, but standard input is a terminal', `Pipe it in: \`pbpaste | keyward ${command} --key-stdin …\`, or leave out --key-stdin to paste it at a hidden prompt.`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
