import { execFileSync } from 'node:child_process';
import { gitEnv, makeProject, type TestProject } from './repo.js';

/**
 * A repository whose history takes seconds to scan: `commits` commits, each a new version
 * (about `blobBytes` of code) of one of four files, made with one `git fast-import`. The
 * first commit also adds `config.js` with `key`, which the second deletes, so the scan has one
 * finding to report. Creating a git object costs milliseconds on a busy machine, so the history
 * is made long with big blobs rather than many.
 */
export function makeBigHistory(opts: { commits: number; blobBytes: number; key: string }): TestProject {
  const p = makeProject({ name: 'big-history' });
  let x = 12345;
  const word = (): string => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x.toString(36);
  };
  let base = '';
  while (base.length < opts.blobBytes) base += `export const v${word()} = compute("${word()}${word()}", ${x % 1000});\n`;
  const parts: string[] = [];
  const file = (path: string, body: string) => `M 644 inline ${path}\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  for (let c = 1; c <= opts.commits; c += 1) {
    // A different cut of the same text: every version is its own blob, made without building a new string.
    const at = (c * 7919) % base.length;
    parts.push(`commit refs/heads/main\ncommitter Test <test@example.com> ${1_700_000_000 + c} +0000\ndata 7\nversion\n`);
    if (c === 1) parts.push(file('config.js', `export const apiKey = "${opts.key}";\n`));
    if (c === 2) parts.push('D config.js\n');
    parts.push(file(`src/f${c % 4}.js`, `// version ${c}\n${base.slice(at)}${base.slice(0, at)}`));
  }
  // Stored uncompressed: zlib would triple the time to make the repository, not change what is read.
  execFileSync('git', ['-c', 'core.compression=0', '-c', 'pack.compression=0', 'fast-import', '--quiet', '--depth=0'], { cwd: p.dir, env: gitEnv(), input: parts.join(''), maxBuffer: 1 << 30 });
  p.git('reset', '-q', '--hard');
  return p;
}
