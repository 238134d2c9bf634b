import { failure } from '../../core/errors.js';
import type { Env } from '../../core/io.js';
import { firstLine } from '../../git/repo.js';
import { runBatch, tooLarge, type FileHits, type Skipped } from '../batch.js';
import { check, fileFindings, now, statusOf, suppressionNote, withBaseline } from '../common.js';
import { createDetector } from '../detect.js';
import { CatFileParser, spawnGit } from '../git-stream.js';
import { isLockfile } from '../paths.js';
import { readKeywardIgnore } from '../suppress.js';
import { describeScan } from '../tally.js';
import { DEFAULT_MAX_FILE_BYTES, type ScanOptions, type ScanResult } from '../types.js';

/** The check id of the staged scan in the report's `checks`. */
export const STAGED_CHECK = 'exposure.staged';

/**
 * Scans what is about to be committed: the index's version of every file the commit adds or
 * changes (not the working tree's, which may differ). A key that HEAD already holds at the
 * same path is not reported again: this commit does not add it (`--history` reports it).
 * Made for a pre-commit hook: a handful of git calls, no workers.
 */
export async function scanStaged(opts: ScanOptions): Promise<ScanResult> {
  const started = now();
  const { git, root } = opts;
  // One `diff --raw` names each changed path with its HEAD blob and its staged blob: no listing of the whole index or tree.
  const changed = await git(['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=ACMRT'], { cwd: root });
  if (changed.code !== 0) {
    if (/not a git repository/i.test(changed.stderr)) return { findings: [], checks: [check(STAGED_CHECK, 'skip', started, 'Not a git repository: nothing is staged.')] };
    throw failure(`git diff --cached failed: ${firstLine(changed.stderr)}`, 'Run `git status` to see what is wrong with the repository.');
  }
  const skipped: Skipped[] = [];
  const ig = readKeywardIgnore(root);
  const staged: Array<{ oid: string; path: string }> = [];
  const before: Array<{ oid: string; path: string }> = [];
  const tokens = changed.stdout.toString('utf8').split('\0');
  for (let t = 0; t + 1 < tokens.length; t += 2) {
    // `:old-mode new-mode old-oid new-oid status`, then the path; paths are relative to the repository's top.
    const [, newMode = '', oldOid = '', newOid = ''] = tokens[t]!.replace(/^\n/, '').slice(1).split(' ');
    const path = tokens[t + 1]!;
    if (newMode === '160000') skipped.push({ path, reason: 'submodule' });
    else if (isLockfile(path)) skipped.push({ path, reason: 'lockfile' });
    else if (ig?.ignores(path)) skipped.push({ path, reason: 'ignored-by-keywardignore' });
    else {
      staged.push({ oid: newOid, path });
      if (!/^0+$/.test(oldOid)) before.push({ oid: oldOid, path });
    }
  }
  if (staged.length === 0) return { findings: [], checks: [check(STAGED_CHECK, 'pass', started, describeScan(0, 'staged file', skipped))] };
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const [after, prior] = await Promise.all([readBlobs(opts.env, root, staged, maxBytes), readBlobs(opts.env, root, before, maxBytes)]);
  skipped.push(...after.skipped);
  const detector = createDetector();
  const scratch = { buf: Buffer.alloc(0) };
  const current = runBatch(detector, { type: 'blobs', blobs: after.blobs }, scratch);
  skipped.push(...current.skipped);
  const old = new Set<string>();
  for (const f of runBatch(detector, { type: 'blobs', blobs: prior.blobs }, scratch).files) {
    for (const h of f.hits) if (h.type === 'key') old.add(`${f.path}\0${h.fingerprint}`);
  }
  let already = 0;
  const fresh: FileHits[] = current.files.map((f) => ({
    ...f,
    hits: f.hits.filter((h) => {
      const known = h.type === 'key' && old.has(`${f.path}\0${h.fingerprint}`);
      if (known) already += 1;
      return !known;
    }),
  }));
  const { findings: all, allowed } = fileFindings(fresh, new Set(), opts.active ?? new Set(), () => false);
  const { findings, suppressed } = withBaseline(opts, all);
  const extra = already > 0 ? [`${already} key${already === 1 ? '' : 's'} already in HEAD at the same path not reported again (keyward scan --history lists them).`] : [];
  const note = describeScan(current.scanned, 'staged file', skipped, [...suppressionNote({ allowed, baseline: suppressed }), ...extra]);
  return { findings, checks: [check(STAGED_CHECK, statusOf(findings), started, note)] };
}

/**
 * Reads a few blobs through one streaming cat-file, skipping (and counting) those over the limit.
 * A blob git could not hand over fails the scan: a hook must not pass a commit it could not read.
 */
function readBlobs(env: Env, cwd: string, items: ReadonlyArray<{ oid: string; path: string }>, maxBytes: number): Promise<{ blobs: Array<{ oid: string; path: string; data: Uint8Array }>; skipped: Skipped[] }> {
  const blobs: Array<{ oid: string; path: string; data: Uint8Array }> = [];
  const skipped: Skipped[] = [];
  if (items.length === 0) return Promise.resolve({ blobs, skipped });
  const pathsOf = new Map<string, string[]>();
  for (const i of items) pathsOf.set(i.oid, [...(pathsOf.get(i.oid) ?? []), i.path]);
  return new Promise((resolve, reject) => {
    const p = spawnGit(env, ['cat-file', '--batch'], cwd);
    let stderr = '';
    const parser = new CatFileParser(maxBytes, (o) => {
      for (const path of pathsOf.get(o.oid) ?? []) {
        // The parser's view is valid only during this call: keep a copy.
        if (o.data) blobs.push({ oid: o.oid, path, data: Buffer.from(o.data) });
        else if (o.type === 'blob') skipped.push(tooLarge(path, o.size));
      }
    });
    const unread = (reason: string): Error =>
      failure(`git could not read ${pathsOf.size - parser.answered + parser.missing} blob(s) of the staged change (${reason}), so the commit was not scanned.`, 'Run `git fsck` to see what is damaged, stage the files again (`git add`), then commit.');
    p.stdout.on('data', (c: Buffer) => parser.push(c));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    p.stdin.on('error', () => undefined);
    p.on('error', (e) => reject(unread(e.message)));
    p.on('close', (code) => {
      if (parser.answered === pathsOf.size && parser.missing === 0) resolve({ blobs, skipped });
      else reject(unread(firstLine(stderr) || (parser.missing > 0 ? 'missing objects' : `git cat-file exited with ${code}`)));
    });
    p.stdin.end([...pathsOf.keys()].join('\n') + '\n');
  });
}
