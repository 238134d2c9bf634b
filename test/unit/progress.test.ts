import { describe, expect, it } from 'vitest';
import { ProgressBoard, type ProgressEvent } from '../../src/core/progress.js';
import { progressLines, stoppedLine } from '../../src/report/progress-text.js';

/** The board after `events`, each at its time in ms. */
function board(events: Array<[number, ProgressEvent]>): ProgressBoard {
  const b = new ProgressBoard();
  for (const [t, e] of events) b.update(e, t);
  return b;
}

describe('the progress lines', () => {
  it('names each step with its counts', () => {
    expect(progressLines(board([[0, { step: 'listing', files: 0 }]]), 0)).toEqual(['Listing files…']);
    expect(progressLines(board([[0, { step: 'listing', files: 12345 }]]), 0)).toEqual(['Listing files… 12,345']);
    // The listing is over once the reading begins.
    expect(progressLines(board([[0, { step: 'listing', files: 12345 }], [1, { step: 'worktree', done: 3210, total: 12345, bytes: 48_200_000 }]]), 1)).toEqual(['Reading the working tree… 3,210 / 12,345 files, 48 MB']);
    expect(progressLines(board([[0, { step: 'calls', done: 3, total: 5 }]]), 0)).toEqual(['Live calls… 3 / 5']);
    expect(progressLines(board([[0, { step: 'apps', done: 40, total: 109 }]]), 0)).toEqual(['Checking apps… 40 / 109']);
  });

  it('walks the history, then reads it with its rate and the time left once the total is known', () => {
    const walking = board([
      [0, { step: 'history', commits: 10, walked: false, done: 0, total: 5, bytes: 0 }],
      [1000, { step: 'history', commits: 8000, walked: false, done: 1, total: 9000, bytes: 1 }],
      [2000, { step: 'history', commits: 8000, walked: false, done: 41000, total: 60000, bytes: 120e6 }],
    ]);
    expect(progressLines(walking, 2000)).toEqual(['Walking history… 8,000 commits, 41,000 blobs read, 120 MB/s']);
    const reading = board([
      [0, { step: 'history', commits: 13000, walked: true, done: 1, total: 90000, bytes: 0 }],
      [2000, { step: 'history', commits: 13000, walked: true, done: 40000, total: 90000, bytes: 240e6 }],
    ]);
    expect(progressLines(reading, 2000)).toEqual(['Reading history… 40,000 / 90,000 blobs, 120 MB/s, about 3 s left']);
    expect(progressLines(board([[0, { step: 'history', commits: 1, walked: false, done: 0, total: 1, bytes: 0 }]]), 0)).toEqual(['Walking history… 1 commit, 0 blobs read']);
  });

  it('shows the two steps under way that began last, and none that finished', () => {
    const b = board([
      [0, { step: 'worktree', done: 10, total: 10, bytes: 0 }],
      [0, { step: 'history', commits: 5, walked: false, done: 0, total: 0, bytes: 0 }],
      [0, { step: 'calls', done: 1, total: 2 }],
    ]);
    expect(progressLines(b, 0)).toEqual(['Walking history… 5 commits, 0 blobs read', 'Live calls… 1 / 2']);
    b.update({ step: 'calls', done: 2, total: 2 }, 0);
    expect(progressLines(b, 0)).toEqual(['Walking history… 5 commits, 0 blobs read']);
  });
});

describe('the line a Ctrl-C leaves', () => {
  it('says what was not finished', () => {
    const walk: ProgressEvent = { step: 'history', commits: 8000, walked: false, done: 41000, total: 50000, bytes: 0 };
    expect(stoppedLine(board([[0, walk]]).unfinished())).toBe('Stopped: history walk not finished (8,000 commits walked, 41,000 blobs read). Nothing was changed.');
    expect(stoppedLine({ ...walk, walked: true, total: 90000 })).toBe('Stopped: history scan not finished (41,000 of 90,000 blobs read). Nothing was changed.');
    expect(stoppedLine({ step: 'worktree', done: 3210, total: 12345, bytes: 0 })).toBe('Stopped: working tree scan not finished (3,210 of 12,345 files). Nothing was changed.');
    expect(stoppedLine({ step: 'apps', done: 40, total: 109 })).toBe('Stopped: app checks not finished (40 of 109 apps). Nothing was changed.');
    expect(stoppedLine(null)).toBe('Stopped. Nothing was changed.');
  });

  it('names the step that began last among those not finished', () => {
    const b = board([
      [0, { step: 'worktree', done: 10, total: 10, bytes: 0 }],
      [0, { step: 'calls', done: 1, total: 3 }],
    ]);
    expect(stoppedLine(b.unfinished())).toBe('Stopped: live calls not finished (1 of 3). Nothing was changed.');
  });
});
