import type { Finding } from '../../core/finding.js';
import type { GitRunner } from '../../git/git.js';
import { firstLine } from '../../git/repo.js';
import { tooLarge, type BatchResult, type Skipped } from '../batch.js';
import { check, now, runnerFor, suppressionNote, withBaseline } from '../common.js';
import type { KeyHit } from '../detect.js';
import { keyFinding } from '../findings.js';
import { gapFinding, type Gap, type PartialClone } from '../gaps.js';
import { CatFileParser, spawnGitReader } from '../git-stream.js';
import { isLockfile } from '../paths.js';
import type { BatchRunner } from '../pool.js';
import { readKeywardIgnoreFile } from '../suppress.js';
import type { IgnoreRules } from '../ignore-rules.js';
import { describeScan } from '../tally.js';
import { cacheKey, noCache, openResultCache, type Outcome, type ResultCache } from '../result-cache.js';
import { DEFAULT_MAX_FILE_BYTES, type ScanOptions, type ScanResult } from '../types.js';
import { isEarlier, NEW_COMMITS_ARGS, recordOrigin, WALK_ARGS, WalkParser, type Added, type Origin } from './origins.js';
import { headAfterMove, treeChanges, type TreeChanges } from './history-head.js';
import { continuesKept, mayContinue, mergeWalks, type NewCommit } from './history-increment.js';
import { loadWalk, refLines, refState, saveWalk, walkBase, walkKey, type KeptWalk, type RefState, type WalkEnds, type WalkOutcome } from './history-record.js';
import { absentObjects, partialCloneOf, probeHistory } from './repository.js';

/** The check id of the history scan in the report's `checks`. */
export const HISTORY_CHECK = 'exposure.history';

const BATCH_BYTES = 4 * 1024 * 1024;
/** Blob ids waiting for cat-file beyond which the walk is paused: some 400,000 ids. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
const BATCH_BLOBS = 512;
/** cat-file's reads shorter than this are followed by a pause of PAUSE_MS, without CPU. */
const SHORT_READ = 64 * 1024;
const PAUSE_MS = 0.2;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Blob id -> the key's hit in it, and the path the blob was read at. */
type Seen = Map<string, { path: string; hit: KeyHit }>;

/**
 * Scans every blob reachable from any ref (branches, tags, remotes, stash) exactly once: one
 * `git log --all -m --raw` walk lists each blob with the commit that added it, and the blobs it
 * lists for the first time stream into `git cat-file --batch` (a ref that is no commit, such as
 * a tag of a tree, adds its blobs through `rev-list`). Each key becomes one
 * `exposure.history` finding at the earliest commit and path that introduced it (merge commits
 * included, so a key that only a merge resolution added is found too), with `inHead`.
 * Paths are relative to the repository's top folder. Combine with the working-tree scan through
 * `mergeScans`, which keeps history findings only for keys the working tree no longer holds.
 * What could not be read (git missing, a rejected repository, a shallow or partial clone,
 * missing objects) is an `exposure.scan-incomplete` finding, never a silent pass.
 */
export async function scanHistory(opts: ScanOptions): Promise<ScanResult> {
  const started = now();
  const { git, root } = opts;
  // Asked beside the probe: whether the walk kept from the last scan still stands (history-record.ts).
  const refsAtStart = opts.cache === false ? Promise.resolve(null) : refState(git, root, opts.env).catch(() => null);
  const access = await probeHistory(git, root);
  if (access.kind === 'none') return { findings: [], checks: [check(HISTORY_CHECK, 'skip', started, 'Not a git repository: there is no history to scan.')] };
  if (access.kind === 'gap') {
    const gap = gapFinding(access.gap);
    return { findings: [gap], checks: [check(HISTORY_CHECK, 'error', started, `${gap.title}.`)] };
  }
  const partialClone = await partialCloneOf(git, root, access.gitDir);
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const ignore = readKeywardIgnoreFile(root);
  // A shallow or partial clone has gaps to report each time, and its missing objects may arrive.
  const canKeep = opts.cache !== false && access.shallow === 0 && !partialClone;
  const base = canKeep ? walkBase(access.commonDir, ignore?.text ?? null, maxBytes) : null;
  const found = base ? loadWalk(access.commonDir) : null;
  // Only a kept walk waits for the refs: without one the walk starts at once (on vercel/ai listing
  // 26,000 refs takes 0.1 s), and the refs are taken at its end.
  const keyOf = (r: RefState | null): string | null => (r && base ? walkKey(r, access.gitDir, base) : null);
  const stored = found && found.key === keyOf(await refsAtStart) ? found.walk : null;
  // Refs moved since a walk of the same base was kept: the new commits alone may do.
  const before = !stored && found && found.base === base ? found.walk : null;
  // HEAD's commit is known without asking in the main worktree (refState lists it); its tree is
  // listed then by that id, so what is kept of it says which commit it was read from.
  const headCommit = refsAtStart.then((r) => (r && access.gitDir === access.commonDir ? r.main : null));
  const headTree = (): Promise<Set<string>> => headCommit.then((c) => headBlobs(git, root, c ?? 'HEAD'));
  let streamed: StreamOutcome;
  let head: Promise<Set<string>> = Promise.resolve(new Set());
  if (stored) {
    streamed = { ...stored, walkError: null, requested: 0, answered: 0, missing: 0, readError: null, errors: [] };
    // Listing HEAD's tree is most of a kept walk's time (14,000 entries on the benchmark corpus).
    head = (await headCommit) === stored.head && stored.head !== '' ? Promise.resolve(new Set(stored.inHead)) : headTree();
  } else {
    // A walk of the new commits asks the cache about their few blobs alone.
    const cache = opts.cache === false ? noCache() : openResultCache(access.commonDir, 'history', maxBytes, { few: before !== null && mayContinue(before) });
    const absent = partialClone ? await absentObjects(opts.env, root, opts.signal) : new Set<string>();
    // One thread by default: measured on the benchmark corpus, the detector keeps up with git
    // inflating the blobs (the process waits on cat-file two thirds of the time), so workers
    // only add copies; they run when asked for (`workers` > 1).
    const runner = runnerFor(opts, Number.MAX_SAFE_INTEGER);
    // Waited for only to walk the new commits alone: the full walk starts at once.
    const refs = before ? await refsAtStart : null;
    let listed: Promise<ListedRefs> = Promise.resolve({ odd: [], refs: '', starts: [] });
    // HEAD's commit is one the kept walk started from: its tree's blobs are all old, and the kept
    // walk says which of them hold keys, if the new commits alone continue it.
    const headNow = before ? await headCommit : null;
    const headKept = before && before.head !== '' && headNow === before.head ? new Set(before.inHead) : null;
    // HEAD moved on from a commit the kept walk started from (a commit on it, a pull): if the new
    // commits alone continue the walk, the diff of the two trees may stand in for listing the new one.
    let moved: Promise<TreeChanges | null> | undefined;
    const headDiff = before && !headKept && before.head !== '' && headNow !== null ? () => (moved ??= treeChanges(git, root, before.head, headNow).catch(() => null)) : null;
    let headAsked = false;
    // Needed only at the end, so asked once the walk and cat-file run: of the short walk, what its
    // outcome needs (nothing, or the diff); of the full walk, the tree.
    const atEnd = (short: boolean) => (): Promise<string[]> => {
      if (short && headDiff) void headDiff();
      else if (!headAsked && !(short && headKept)) {
        head = headTree();
        headAsked = true;
      }
      listed = listRefs(git, root);
      return listed.then((l) => l.odd);
    };
    let walked: { outcome: StreamOutcome; commits: Map<string, NewCommit>; newest: number; unread: string[]; prior: KeptWalk | null } | null = null;
    try {
      if (before && refs && mayContinue(before) && before.cacheId !== '' && before.cacheId === cache.id) {
        const added = await streamBlobs(opts, runner, cache, absent, ignore?.rules ?? null, atEnd(true), newCommitsWalk(before, cache));
        const whole = continued(before, added, await listed, refs, historyGaps(access, partialClone, added.outcome).length === 0);
        // Else the new commits' outcomes stay in the cache, and the full walk finds them there.
        if (whole) {
          if (headKept) head = Promise.resolve(headKept);
          else if (headDiff) {
            const keyBlobs = [...whole.outcome.seen.values()].flatMap((blobs) => [...blobs.keys()]);
            const oldHead = new Set(before.inHead);
            head = headDiff().then((changes) => (changes && headAfterMove(keyBlobs, oldHead, changes)) || headTree());
          }
          cache.retain();
          walked = { outcome: { ...added.outcome, ...whole.outcome }, commits: added.commits, newest: Math.max(before.newest, added.newest), unread: whole.unread, prior: before };
        }
      }
      if (!walked) {
        const all = await streamBlobs(opts, runner, cache, absent, ignore?.rules ?? null, atEnd(false), fullWalk());
        walked = { outcome: all.outcome, commits: all.commits, newest: all.newest, unread: all.unread, prior: null };
      }
    } finally {
      await runner.close();
    }
    streamed = walked.outcome;
    cache.save();
    // Kept only whole, and only if no ref moved while the walk ran.
    const now = refs ?? (await refsAtStart);
    const key = canKeep ? keyOf(now) : null;
    const complete = historyGaps(access, partialClone, streamed).length === 0 && streamed.errors.length === 0;
    const end = await listed;
    if (key && base && now && complete && end.refs === now.refs) {
      const tips = end.odd.length > 0 ? null : await tipsOf(git, root, [...end.starts, ...now.heads], walked.commits, walked.prior);
      const ends: WalkEnds = { tips, newest: walked.newest, unread: walked.unread, cacheId: cache.id };
      saveWalk(access.commonDir, { key, base }, { ...streamed, ...ends }, { commit: (await headCommit) ?? '', blobs: await head });
    }
  }
  const seen = streamed.seen;
  const origin = streamed.origins;
  const inHeadBlobs = await head;
  const findings: Finding[] = [];
  for (const blobs of seen.values()) {
    let best: (Origin & { oid: string }) | null = null;
    for (const oid of blobs.keys()) {
      const o = origin.get(oid);
      // One commit adding the key in several files names the first of them in git's path order.
      if (o?.commit && (!best || isEarlier(o, best) || (o.seq === best.seq && o.order === best.order && o.path < best.path))) best = { ...o, oid };
    }
    // The finding is told from the blob it names, whichever blob was scanned (or found in the cache) first.
    const oid = best?.oid ?? firstByPath(blobs);
    const { path, hit } = blobs.get(oid)!;
    const o = best ? origin.get(oid) : undefined;
    const files = new Set([...blobs.values()].map((b) => b.path));
    const inHead = [...blobs.keys()].some((b) => inHeadBlobs.has(b));
    const extra = blobs.size > 1 ? ` It is in ${blobs.size} versions of ${files.size} file${files.size === 1 ? '' : 's'}.` : '';
    findings.push(
      keyFinding(
        'exposure.history',
        hit,
        { file: o?.path ?? path, line: hit.line, column: hit.column, commit: o?.commit ?? null, inHead },
        opts.active?.has(hit.fingerprint) ?? false,
        extra,
      ),
    );
  }
  // In an order of their own, not the order blobs were scanned in (which the cache changes).
  findings.sort((a, b) => compareLocations(a, b));
  const { findings: kept, suppressed } = withBaseline(opts, findings);
  const gaps = historyGaps(access, partialClone, streamed);
  const failed = gaps.length > 0 || streamed.errors.length > 0;
  const note = describeScan(streamed.scanned, 'blob', streamed.skipped, [
    ...suppressionNote({ allowed: streamed.allowed, baseline: suppressed }),
    ...gaps.map((g) => `${g.title}.`),
    ...(streamed.errors.length > 0 ? [`Scanning failed for part of the history: ${streamed.errors.join('; ')}.`] : []),
  ]);
  return { findings: [...kept, ...gaps], checks: [check(HISTORY_CHECK, failed ? 'error' : kept.length > 0 ? 'fail' : 'pass', started, note)] };
}

/** The blob at the first path in code-unit order (then the lowest id): a key only refs that are no commit reach has no origin to name. */
function firstByPath(blobs: Seen): string {
  let first: { oid: string; path: string } | null = null;
  for (const [oid, { path }] of blobs) if (!first || path < first.path || (path === first.path && oid < first.oid)) first = { oid, path };
  return first!.oid;
}

function compareLocations(a: Finding, b: Finding): number {
  const x = a.location!;
  const y = b.location!;
  return cmp(x.file, y.file) || (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0) || cmp(a.secret?.fingerprint ?? '', b.secret?.fingerprint ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the walk and cat-file could not read, as findings: a shallow boundary, a stopped walk, blobs missing or never answered for. */
function historyGaps(access: { shallow: number }, partialClone: PartialClone | null, s: StreamOutcome): Finding[] {
  const gaps: Gap[] = [];
  if (access.shallow > 0) gaps.push({ kind: 'shallow', boundaries: access.shallow });
  if (s.walkError !== null) gaps.push({ kind: 'walk-stopped', reason: s.walkError, blobsRead: s.scanned });
  if (s.missing > 0) gaps.push({ kind: 'missing-blobs', count: s.missing, partialClone });
  const unanswered = s.requested - s.answered;
  if (unanswered > 0) gaps.push({ kind: 'read-stopped', reason: s.readError ?? 'no answer', unread: unanswered });
  return gaps.map(gapFinding);
}

/** `origins`: every blob read, with its earliest origin. */
interface StreamOutcome extends WalkOutcome {
  /** Why git log stopped early, if it did. */
  walkError: string | null;
  /** Blobs asked of cat-file, answered, and answered `missing`. */
  requested: number;
  answered: number;
  missing: number;
  /** Why cat-file stopped early, if it did. */
  readError: string | null;
  /** Scanning failures of keyward's own (a worker that died). */
  errors: string[];
}

interface ListedRefs {
  /** Refs the walk does not cover because they do not point to a commit (a tag of a tree or a blob, a tag of a tag). */
  odd: string[];
  /** Every ref as `refState` lists it, '' when git could not list them. */
  refs: string;
  /** The commit each ref names (a tag's, for a tag of a commit): where `git log --all` starts, with the worktrees' HEADs. */
  starts: string[];
}

async function listRefs(git: GitRunner, root: string): Promise<ListedRefs> {
  const r = await git(['for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)'], { cwd: root });
  if (r.code !== 0) return { odd: [], refs: '', starts: [] };
  const text = r.stdout.toString('utf8');
  const odd: string[] = [];
  const starts: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+) (\S*) (\S*) (.+)$/.exec(line);
    if (!m) continue;
    if (m[2] === 'commit') starts.push(m[1]!);
    else if (m[2] === 'tag' && m[4] === 'commit') starts.push(m[3]!);
    else odd.push(m[5]!);
  }
  return { odd, refs: refLines(text), starts };
}

/** How the walk is asked for: every commit, or those a kept walk did not reach. */
interface WalkPlan {
  args: readonly string[];
  /** Written to the walk's input. */
  input: string;
  /** A blob the walk lists that the kept walk listed too (then the kept walk does not continue: see history-increment.ts). */
  old: ((oid: string) => boolean) | null;
}

function fullWalk(): WalkPlan {
  return { args: WALK_ARGS, input: '', old: null };
}

/** The commits `kept` did not reach, each blob they list checked against the blobs it listed: those it read are in the cache it was saved with. */
function newCommitsWalk(kept: KeptWalk, cache: ResultCache): WalkPlan {
  const tips = [...(kept.tips ?? new Map<string, number>()).keys()];
  const unread = new Set(kept.unread);
  return { args: NEW_COMMITS_ARGS, input: tips.map((t) => `^${t}\n`).join(''), old: (oid) => cache.held(oid) || cache.held(`${oid}.nb`) || unread.has(oid) };
}

/** What a walk streamed, and what it tells besides its blobs. */
interface Streamed {
  outcome: StreamOutcome;
  /** Each commit a walk of the new commits listed, with its time and its parents (empty for the full walk). */
  commits: Map<string, NewCommit>;
  /** The newest commit time listed. */
  newest: number;
  /** Commit headers listed (a merge once per parent): the walk's last place. */
  headers: number;
  /** The blobs listed and not read (lockfiles, .keywardignore). */
  unread: string[];
  /** Blobs listed that the plan says a kept walk listed: they were not read. */
  oldListed: number;
}

/**
 * The full walk's outcome from the walk of the new commits (`added`) and the kept walk
 * (`kept`), or null when they do not make it (history-increment.ts): `complete` says the walk of
 * the new commits had no gap.
 */
function continued(kept: KeptWalk, added: Streamed, listed: ListedRefs, refs: RefState, complete: boolean): { outcome: WalkOutcome; unread: string[] } | null {
  if (added.oldListed > 0 || !complete || added.outcome.errors.length > 0) return null;
  if (listed.refs !== refs.refs || listed.odd.length > 0) return null;
  if (!continuesKept(kept, [...listed.starts, ...refs.heads], added.commits)) return null;
  return { outcome: mergeWalks(kept, added.outcome, added.headers), unread: [...kept.unread, ...added.unread] };
}

/**
 * The commits a walk started from and their times: those of the new commits from their walk, the
 * others from the kept walk (`prior`), or, after a full walk, from git. Null when one is unknown.
 */
async function tipsOf(git: GitRunner, root: string, starts: readonly string[], commits: ReadonlyMap<string, NewCommit>, prior: KeptWalk | null): Promise<Map<string, number> | null> {
  const tips = new Map<string, number>();
  const ask: string[] = [];
  for (const s of starts) {
    const time = commits.get(s)?.time ?? prior?.tips?.get(s);
    if (time === undefined) ask.push(s);
    else tips.set(s, time);
  }
  if (ask.length > 0) {
    const r = await git(['log', '--no-walk=unsorted', '--format=%H %ct', '--stdin'], { cwd: root, input: `${ask.join('\n')}\n` });
    if (r.code !== 0) return null;
    for (const line of r.stdout.toString('latin1').split('\n')) {
      const [id = '', time = ''] = line.split(' ');
      if (/^\d+$/.test(time)) tips.set(id, Number(time));
    }
  }
  return starts.every((s) => tips.has(s)) ? tips : null;
}

/**
 * The walk streamed into cat-file: each blob the walk lists for the first time is written to
 * cat-file's input (with back-pressure past MAX_QUEUED_BYTES), its content parsed as it streams and scanned;
 * a blob skipped by its path (the path the walk first lists it at) is only checked (`checkUnread`). Memory:
 * blob contents stream through; what stays is one origin per distinct blob (some 150 bytes each,
 * like the object table `rev-list --objects` itself keeps).
 */
async function streamBlobs(opts: ScanOptions, runner: BatchRunner, cache: ResultCache, absent: ReadonlySet<string>, ig: IgnoreRules | null, askOddRefs: () => Promise<string[]>, plan: WalkPlan): Promise<Streamed> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const out: StreamOutcome = { seen: new Map(), origins: new Map(), skipped: [], scanned: 0, allowed: 0, walkError: null, requested: 0, answered: 0, missing: 0, readError: null, errors: [] };
  // Each commit only in a walk of the new commits (a few); the full walk keeps the newest time alone.
  const commits = new Map<string, NewCommit>();
  let newest = Number.MIN_SAFE_INTEGER;
  let oldListed = 0;

  let request: string[] = [];
  let absentListed = 0;
  /** Position of each blob in the walk's order, for cat-file's requests in the order it answers them: skips are told in that order. */
  let asked = 0;
  const requestSeq: number[] = [];
  /** The path each asked blob was first listed at: it decides how the blob is read (a notebook), whenever cat-file answers. */
  const requestPath: string[] = [];
  const overLimit: Array<{ s: Skipped; seq: number }> = [];
  /** Blobs skipped by their path (lockfiles, .keywardignore): only their size and presence are asked, not their content. */
  const unread: Unread[] = [];
  const share = opts.blobShare;
  /** Blobs the working tree beside this scan may still prove (see blob-share.ts), asked again when it says more. */
  let waiting: Array<{ oid: string; path: string; seq: number }> = [];
  const readOrTake = (oid: string, path: string, seq: number): void => {
    const key = cacheKey(oid, path);
    const shared = share?.take(key);
    if (shared === 'later') waiting.push({ oid, path, seq });
    else if (shared) {
      cache.put(key, shared);
      replay(oid, path, shared, seq);
    } else {
      request.push(oid);
      requestSeq.push(seq);
      requestPath.push(path);
    }
  };
  const ask = (oid: string, path: string): void => {
    asked += 1;
    if (absent.has(oid)) absentListed += 1;
    else {
      const reason = isLockfile(path) ? 'lockfile' : path && ig?.ignores(path) ? 'ignored-by-keywardignore' : null;
      const cached = reason ? undefined : cache.get(cacheKey(oid, path));
      if (reason) unread.push({ oid, path, reason, seq: asked });
      else if (cached) replay(oid, path, cached, asked);
      else readOrTake(oid, path, asked);
    }
  };
  const walkParser = new WalkParser(
    (a) => {
      // A submodule's entry names a commit of another repository: nothing to read here.
      if (a.mode === '160000') return;
      if (!recordOrigin(out.origins, a)) return;
      if (plan.old?.(a.oid)) oldListed += 1;
      else ask(a.oid, a.path);
    },
    (commit, time, parents) => {
      if (time > newest) newest = time;
      if (plan.old && !commits.has(commit)) commits.set(commit, { time, parents: parents === '' ? [] : parents.split(' ') });
    },
  );

  // Blobs for the workers are copied once, straight from the stream into the batch's own buffer, which moves to the worker whole.
  let batch: Array<{ oid: string; path: string; data: Uint8Array }> = [];
  let batchBuffer: Buffer | null = null;
  let batchBytes = 0;
  const inflight = new Set<Promise<void>>();
  // Each worker busy and one batch waiting for it: more only holds blobs in memory (4 MB a batch).
  const limit = runner.parallel ? 2 * runner.threads : 1;
  /** Batch buffers the workers handed back, filled again in turn: as many as batches in flight. */
  const spare: Buffer[] = [];
  const absorb = (r: BatchResult): void => {
    for (const b of r.buffers ?? []) if (b.byteLength === BATCH_BYTES) spare.push(Buffer.from(b));
    out.scanned += r.scanned;
    out.skipped.push(...r.skipped);
    for (const f of r.files) {
      for (const hit of f.hits) {
        if (hit.type !== 'key') continue;
        if (hit.allowed) {
          out.allowed += 1;
          continue;
        }
        let blobs = out.seen.get(hit.fingerprint);
        if (!blobs) out.seen.set(hit.fingerprint, (blobs = new Map()));
        if (!blobs.has(f.oid!)) blobs.set(f.oid!, { path: f.path, hit });
      }
    }
  };
  /** A blob's outcome from an earlier scan, told as if it had just been scanned. */
  const replay = (oid: string, path: string, o: Outcome, seq: number): void => {
    if ('tooLarge' in o) overLimit.push({ s: tooLarge(path, o.tooLarge), seq });
    else absorb({ files: o.hits.length > 0 ? [{ path, oid, hits: o.hits }] : [], skipped: [], scanned: 1, bytes: 0 });
  };
  const remember = (blobs: ReadonlyArray<{ oid: string; path: string }>, r: BatchResult): void => {
    const hits = new Map(r.files.map((f) => [f.oid!, f.hits]));
    for (const b of blobs) cache.put(cacheKey(b.oid, b.path), { hits: hits.get(b.oid) ?? [] });
  };
  const flush = (): void => {
    if (batch.length === 0) return;
    const blobs = batch;
    batch = [];
    batchBuffer = null;
    batchBytes = 0;
    const job = runner
      .run({ type: 'blobs', blobs })
      .then((r) => {
        absorb(r);
        remember(blobs, r);
      }, (e: unknown) => {
        out.errors.push(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        inflight.delete(job);
        if (inflight.size < limit) catFile.resume();
      });
    inflight.add(job);
    if (inflight.size >= limit) catFile.pause();
  };
  const parser = new CatFileParser(maxBytes, (o) => {
    if (o.type !== 'blob') return;
    const path = requestPath[parser.answered - 1] ?? '';
    if (!o.data) {
      overLimit.push({ s: tooLarge(path, o.size), seq: requestSeq[parser.answered - 1]! });
      cache.put(cacheKey(o.oid, path), { tooLarge: o.size });
    } else if (runner.runNow) {
      // This thread scans at once, straight from the stream's buffer, before the view goes stale.
      try {
        const blob = { oid: o.oid, path, data: o.data };
        const r = runner.runNow({ type: 'blobs', blobs: [blob] });
        absorb(r);
        remember([blob], r);
      } catch (e) {
        out.errors.push(e instanceof Error ? e.message : String(e));
      }
    } else {
      // The parser's view is valid only now: the batch keeps a copy, in a buffer of its own (never a shared pool slab).
      const n = o.data.length;
      if (batchBuffer && batchBytes + n > batchBuffer.length) flush();
      batchBuffer ??= n <= BATCH_BYTES ? (spare.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES)) : Buffer.allocUnsafeSlow(n);
      o.data.copy(batchBuffer, batchBytes);
      batch.push({ oid: o.oid, path, data: batchBuffer.subarray(batchBytes, batchBytes + n) });
      batchBytes += n;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_BLOBS) flush();
    }
  });

  let walked = false;
  let bytes = 0;
  const progress = opts.progress;
  const report = progress ? () => progress({ step: 'history', commits: walkParser.commits, walked, done: parser.answered, total: out.requested, bytes }) : null;
  let catFileRuns = false;
  let throttled = false;
  const send = (): void => {
    if (!catFileRuns || request.length === 0) return;
    out.requested += request.length;
    catFile.child.stdin.write(`${request.join('\n')}\n`);
    request = [];
    // The walk runs ahead of cat-file, and letting it (ids queue here, 41 bytes each) measured
    // 11% faster than holding it to cat-file's pace; past MAX_QUEUED_BYTES it waits.
    if (!throttled && catFile.child.stdin.writableLength > MAX_QUEUED_BYTES) {
      throttled = true;
      walk.pause();
      catFile.child.stdin.once('drain', () => {
        throttled = false;
        walk.resume();
      });
    }
  };
  // Both set up at once; the ids the walk lists before cat-file runs wait here.
  const [walk, catFile] = await Promise.all([
    spawnGitReader(
      opts.env,
      plan.args,
      opts.root,
      (chunk) => {
        walkParser.push(chunk);
        send();
        report?.();
      },
      opts.signal,
    ),
    // --buffer: cat-file writes in full buffers instead of flushing after every object (fewer, larger reads here).
    spawnGitReader(
      opts.env,
      ['cat-file', '--buffer', '--batch=%(objectname) %(objecttype) %(objectsize)'],
      opts.root,
      (chunk) => {
        parser.push(chunk);
        bytes += chunk.length;
        report?.();
        // A short read means keyward has caught up with git, which writes a blob 16 KB at a time:
        // waking for each write costs more than the write. A pause lets the next read take many.
        if (chunk.length < SHORT_READ) Atomics.wait(pause, 0, 0, PAUSE_MS);
      },
      opts.signal,
    ),
  ]);
  catFileRuns = true;
  send();
  // Each time the working tree says more, the blobs held back are proven or sent to cat-file.
  const shareDone = (async () => {
    while (share && !share.closed) {
      await share.changed();
      const held = waiting;
      waiting = [];
      for (const w of held) readOrTake(w.oid, w.path, w.seq);
      send();
    }
  })();
  const oddRefsOf = askOddRefs();
  // git may be gone before it reads what it is told (a walk that failed): its exit tells why.
  walk.child.stdin.on('error', () => undefined);
  if (plan.input) walk.child.stdin.end(plan.input);
  else walk.child.stdin.end();
  let walkErr = '';
  let catErr = '';
  walk.child.stderr.on('data', (d: Buffer) => (walkErr += d.toString('utf8')));
  catFile.child.stderr.on('data', (d: Buffer) => (catErr += d.toString('utf8')));
  catFile.child.stdin.on('error', () => undefined);

  const walkDone = walk.done.then(({ code, signal, error }) => {
    if (error) out.walkError ??= error.message;
    if (code !== 0) out.walkError ??= `git log ${signal ? `was killed (${signal})` : `exited with ${code}`}${walkErr ? `: ${firstLine(walkErr)}` : ''}`;
  }).then(async () => {
    const odd = await oddRefsOf;
    await shareDone;
    if (odd.length > 0) {
      const r = await opts.git(['rev-list', '--objects', '--filter=object:type=blob', ...odd, '--'], { cwd: opts.root, timeoutMs: 600_000 });
      if (r.code !== 0) out.walkError ??= `git rev-list exited with ${r.code}: ${firstLine(r.stderr)}`;
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const sp = line.indexOf(' ');
        if (sp === -1) continue;
        const a: Added = { oid: line.slice(0, sp), mode: '100644', path: line.slice(sp + 1), commit: '', order: Number.MAX_SAFE_INTEGER, seq: 0 };
        if (recordOrigin(out.origins, a)) ask(a.oid, a.path);
      }
      send();
    }
    walked = true;
    report?.();
    catFile.child.stdin.end();
  });
  const read = catFile.done.then(({ code, signal, error }) => {
    // A cat-file that died early (a corrupted pack) must not leave the walk waiting for 'drain'.
    walk.resume();
    out.answered = parser.answered;
    out.missing = parser.missing + absentListed;
    if (error) out.readError ??= error.message;
    if (code !== 0) out.readError ??= `git cat-file ${signal ? `was killed (${signal})` : `exited with ${code}`}${catErr ? `: ${firstLine(catErr)}` : ''}`;
  });
  const checked = walkDone.then(() => checkUnread(opts, unread, maxBytes));
  await Promise.all([walkDone, read]);
  flush();
  while (inflight.size > 0) await Promise.all([...inflight]);
  const c = await checked;
  out.requested += unread.length;
  out.answered += c.answered;
  out.missing += c.missing;
  if (c.error !== null) out.readError ??= c.error;
  // Told in the walk's order, as they were when cat-file read every blob: the note names reasons in order of first appearance.
  out.skipped = [...overLimit, ...c.skipped]
    .sort((a, b) => a.seq - b.seq)
    .map((x) => x.s)
    .concat(out.skipped);
  return { outcome: out, commits, newest, headers: walkParser.commits, unread: unread.map((u) => u.oid), oldListed };
}

interface Unread {
  oid: string;
  path: string;
  reason: 'lockfile' | 'ignored-by-keywardignore';
  seq: number;
}

/**
 * Size and presence of the blobs skipped by their path, from `cat-file --batch-check` (no
 * content is inflated or read: lockfiles are most of a JavaScript history's bytes). One over
 * the size limit is skipped as such, and a missing one is counted missing, as a read would.
 */
async function checkUnread(opts: ScanOptions, unread: readonly Unread[], maxBytes: number): Promise<{ skipped: Array<{ s: Skipped; seq: number }>; answered: number; missing: number; error: string | null }> {
  const out = { skipped: [] as Array<{ s: Skipped; seq: number }>, answered: 0, missing: 0, error: null as string | null };
  if (unread.length === 0) return out;
  const r = await opts.git(['cat-file', '--batch-check=%(objecttype) %(objectsize)'], { cwd: opts.root, input: `${unread.map((u) => u.oid).join('\n')}\n`, timeoutMs: 600_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  const lines = r.stdout.toString('latin1').split('\n');
  // One line per id asked, in order: `<type> <size>`, or `<id> missing`.
  for (const u of unread) {
    const line = lines[out.answered];
    if (line === undefined || line === '') break;
    out.answered += 1;
    const [type = '', size = ''] = line.split(' ');
    if (size === 'missing' || !/^\d+$/.test(size)) out.missing += 1;
    else if (type !== 'blob') continue;
    else if (Number(size) > maxBytes) out.skipped.push({ s: tooLarge(u.path, Number(size)), seq: u.seq });
    else out.skipped.push({ s: { path: u.path, reason: u.reason }, seq: u.seq });
  }
  if (r.code !== 0) out.error = `git cat-file --batch-check exited with ${r.code}${r.stderr ? `: ${firstLine(r.stderr)}` : ''}`;
  return out;
}

/** Blob ids of the tree of `rev`, HEAD's commit (empty without commits). */
async function headBlobs(git: GitRunner, root: string, rev: string): Promise<Set<string>> {
  const r = await git(['ls-tree', '-r', '-z', '--full-tree', rev], { cwd: root });
  const out = new Set<string>();
  if (r.code !== 0) return out;
  // Entries `<mode> blob <oid>\t<path>\0`, read where they sit: only the ids become strings.
  const buf = r.stdout;
  for (let from = 0; from < buf.length; ) {
    const end = buf.indexOf(0, from) >>> 0;
    const tab = buf.indexOf(0x09, from);
    if (tab === -1) break;
    const sp = buf.lastIndexOf(0x20, tab);
    if (tab < end && sp - from >= 6 && buf[sp - 5] === 0x20 && buf[sp - 4] === 0x62 && buf[sp - 3] === 0x6c && buf[sp - 2] === 0x6f && buf[sp - 1] === 0x62) out.add(buf.toString('latin1', sp + 1, tab));
    from = end === 0xffffffff ? buf.length : end + 1;
  }
  return out;
}
