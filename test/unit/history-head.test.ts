import { describe, expect, it } from 'vitest';
import { headAfterMove, type TreeChanges } from '../../src/scanner/sources/history-head.js';

// Which key blobs a new HEAD's tree holds, from those the old HEAD's tree held and the diff of the
// two trees (see the module). The built bin's tests hold whole reports to `--no-cache`.

const diff = (removed: string[], added: string[]): TreeChanges => ({ removed: new Set(removed), added: new Set(added) });

describe('headAfterMove', () => {
  it('keeps what the diff leaves alone and adds what it puts at a path', () => {
    expect(headAfterMove(['old', 'gone-before', 'new'], new Set(['old']), diff(['other'], ['new']))).toEqual(new Set(['old', 'new']));
  });

  it('holds a blob the diff moves from one path to another', () => {
    expect(headAfterMove(['moved'], new Set(['moved']), diff(['moved'], ['moved']))).toEqual(new Set(['moved']));
  });

  it('cannot tell when the diff takes a held blob from a path and puts it nowhere: another path may still hold it', () => {
    expect(headAfterMove(['a', 'b'], new Set(['a', 'b']), diff(['b'], []))).toBeNull();
  });

  it('does not count a blob the old HEAD did not hold, which the diff only takes away', () => {
    expect(headAfterMove(['x'], new Set(), diff(['x'], []))).toEqual(new Set());
  });
});
