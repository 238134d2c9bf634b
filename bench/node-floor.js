// The least a Node program does on one thread to read what `keyward scan` reads, a baseline for the
// benchmark: `node bench/node-floor.js DIR`. It starts, asks git once for the files (`ls-files -c
// -o`, as the scan lists them) and reads each with one read of up to the scan's size limit into one
// buffer, as the scan does, matching nothing. Against ripgrep it is what Node and this machine's
// system calls cost; the scan against it is what keyward adds.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

const MAX_BYTES = 8 * 1024 * 1024;
const root = process.argv[2];
const listed = execFileSync('git', ['ls-files', '-z', '-c', '-o', '--exclude-standard'], { cwd: root, maxBuffer: 1 << 30 });
const files = listed.toString('utf8').split('\0').filter(Boolean);
const buf = Buffer.allocUnsafe(MAX_BYTES);
let bytes = 0;
for (const path of files) {
  let fd;
  try {
    fd = openSync(join(root, path), 'r');
  } catch {
    continue;
  }
  try {
    bytes += readSync(fd, buf, 0, MAX_BYTES, 0);
  } catch {
    // A folder (a submodule) or a file gone since the listing: the scan skips it too.
  } finally {
    closeSync(fd);
  }
}
process.stdout.write(`${files.length} files, ${bytes} bytes\n`);
