import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { searchableBytes } from '../../src/scanner/decode.js';
import { createDetector, detect, detectBytes } from '../../src/scanner/detect.js';
import * as source from '../../src/scanner/index.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, commitMergeResolution } from '../support/repo.js';
import { optionsFor } from './helpers.js';

// The same findings whichever path reads the bytes: one thread or two (workers reading their own
// files, history blobs split across workers), the built module or the TypeScript sources, windows
// decoded around prefilter hits or the whole text.

const K = {
  worktree: fakeKey('openai-project', 'thr-wt'),
  keyword: fakeKey('mistral', 'thr-kw'),
  deleted: fakeKey('anthropic', 'thr-del'),
  merge: fakeKey('openrouter', 'thr-merge'),
  binary: fakeKey('gemini', 'thr-bin'),
  utf16: fakeKey('groq', 'thr-u16'),
  big: fakeKey('xai', 'thr-big'),
  accent: fakeKey('deepseek', 'thr-acc'),
};

/** Enough files that the working-tree scan starts a helper thread (from 2,000) and history hands batches to workers (from 400). */
const FILLER = 2_100;

function repository() {
  const p = makeProject();
  for (let i = 0; i < FILLER; i += 1) p.write(`src/m${i}.ts`, `export const v${i} = ${i}; // openai client ${i}\n`);
  p.write('src/config.ts', `import OpenAI from 'openai';\nconst client = new OpenAI({ apiKey: "${K.worktree}" });\n`);
  p.write('src/mistral.py', `# settings\nMISTRAL_API_KEY = "${K.keyword}"\n`);
  p.write('assets/logo.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.from(`\nkey = "${K.binary}"`), Buffer.from([0, 1, 2, 3, 0xff])]));
  p.write('scripts/setup.ps1', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`# setup\r\n$env:GROQ_API_KEY = "${K.utf16}"\r\n`, 'utf16le')]));
  // Bigger than a pipe's read, so history joins the blob from several chunks; the key sits at its end.
  p.write('docs/big.md', `${'openai and anthropic docs line\n'.repeat(20_000)}XAI_API_KEY=${K.big}\n`);
  p.write('src/naïve.ts', `// config\n/* café ☕ */ DEEPSEEK_API_KEY = "${K.accent}";\n`);
  p.write('src/browser.ts', 'new OpenAI({ dangerouslyAllowBrowser: true });\n'); // keyward:allow (fixture)
  p.commit('app');
  p.write('config/secrets.json', `{\n  "anthropic": "${K.deleted}"\n}\n`);
  p.commit('add secrets');
  p.git('rm', '-q', 'config/secrets.json');
  p.commit('remove secrets');
  // A key that only a merge commit's conflict resolution introduced.
  const merged = commitMergeResolution(p, `OPENROUTER_API_KEY=${K.merge}
`);
  return { p, merged };
}

/** Findings without the timing of their checks: everything else must match exactly. */
function comparable(r: { findings: Finding[]; checks: Array<{ id: string; status: string; note?: string }> }) {
  const key = (f: Finding) => `${f.rule}\0${f.location?.file}\0${f.location?.line}\0${f.secret?.fingerprint}`;
  return { findings: [...r.findings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)), checks: r.checks.map(({ id, status, note }) => ({ id, status, note })) };
}

describe('the scan paths agree exactly', () => {
  const { p, merged } = repository();

  it('worktree and history: one thread, two threads and the TypeScript sources give the same findings, fingerprints and locations', async () => {
    // Workers exist only in the build (they load dist/scanner/worker.js), so the built module is driven directly.
    const built = (await import(new URL('../../dist/scanner/index.js', import.meta.url).href)) as typeof source;
    const one = optionsFor(p.dir, { workers: 1 });
    const two = optionsFor(p.dir, { workers: 2 });
    const worktree = comparable(await built.scanWorktree(one));
    expect(comparable(await built.scanWorktree(two))).toEqual(worktree);
    expect(comparable(await source.scanWorktree(one))).toEqual(worktree);
    const history = comparable(await built.scanHistory(one));
    expect(comparable(await built.scanHistory(two))).toEqual(history);
    expect(comparable(await source.scanHistory(one))).toEqual(history);

    const where = (fs: Finding[]) => fs.map((f) => [f.rule, f.location?.file, f.location?.line, f.location?.column, f.secret?.fingerprint ?? null]);
    expect(where(worktree.findings)).toEqual([
      ['exposure.browser-client', 'src/browser.ts', 1, 14, null],
      ['exposure.source-literal', 'assets/logo.png', 2, 8, fingerprint(K.binary)],
      ['exposure.source-literal', 'docs/big.md', 20001, 13, fingerprint(K.big)],
      ['exposure.source-literal', 'scripts/setup.ps1', 2, 22, fingerprint(K.utf16)],
      ['exposure.source-literal', 'src/config.ts', 2, 38, fingerprint(K.worktree)],
      ['exposure.source-literal', 'src/mistral.py', 2, 20, fingerprint(K.keyword)],
      ['exposure.source-literal', 'src/naïve.ts', 2, 34, fingerprint(K.accent)],
    ]);
    expect(worktree.checks).toEqual([{ id: 'exposure.worktree', status: 'fail', note: `Scanned ${FILLER + 8} files.` }]);
    const inHistory = new Map(history.findings.map((f) => [f.secret?.fingerprint, f.location]));
    expect(inHistory.get(fingerprint(K.merge))).toMatchObject({ file: 'conf.txt', line: 1, column: 20, commit: merged, inHead: false });
    expect(inHistory.get(fingerprint(K.deleted))).toMatchObject({ file: 'config/secrets.json', line: 2, column: 17, inHead: false });
    expect(inHistory.get(fingerprint(K.big))).toMatchObject({ file: 'docs/big.md', line: 20001, column: 13, inHead: true });
    expect([...inHistory.keys()].sort()).toEqual(Object.values(K).map(fingerprint).sort());
  });

  it('decoding only the windows around prefilter hits finds what decoding the whole file finds', () => {
    const detector = createDetector();
    for (const name of ['src/config.ts', 'src/mistral.py', 'assets/logo.png', 'scripts/setup.ps1', 'docs/big.md', 'src/naïve.ts', 'src/browser.ts', 'src/m7.ts']) {
      const bytes = searchableBytes(readFileSync(`${p.dir}/${name}`));
      const whole = Buffer.from(bytes).toString('latin1');
      expect(detectBytes(detector, bytes)).toEqual(detect(detector, whole));
    }
  });
});

describe('history at two threads over many batches', () => {
  it('finds each key in blobs that fill several 4 MB batches, their buffers handed back by the workers and filled again, as one thread does', async () => {
    const p = makeProject();
    const keys = Array.from({ length: 12 }, (_, i) => fakeKey('groq', `batch-${i}`));
    // 1.5 MB each: two to a batch, so six batches pass through four in flight.
    keys.forEach((key, i) => p.write(`data/big${i}.txt`, `${`filler line ${i} of a large generated file\n`.repeat(36_000)}GROQ_API_KEY=${key}\n`));
    p.commit('big files');
    const built = (await import(new URL('../../dist/scanner/index.js', import.meta.url).href)) as typeof source;
    const where = (r: { findings: Finding[] }) => r.findings.map((f) => [f.location?.file, f.location?.line, f.location?.column, f.secret?.fingerprint]).sort();
    const expected = keys.map((key, i) => [`data/big${i}.txt`, 36_001, 14, fingerprint(key)]).sort();
    expect(where(await built.scanHistory(optionsFor(p.dir, { workers: 2 })))).toEqual(expected);
    expect(where(await built.scanHistory(optionsFor(p.dir, { workers: 1 })))).toEqual(expected);
  });
});
