import type { Hit } from './detect.js';

/** Where in a Jupyter notebook a line of its JSON sits. */
export interface NotebookPlace {
  /** 1-based, in the order the cells appear. */
  cell: number;
  part: 'source' | 'output';
}

/**
 * Maps each line of a notebook's JSON to its cell and part. Jupyter writes nbformat 4 with one
 * key per line and sorted keys (`cell_type`, …, `outputs`, `source`), so a line-level walk is
 * exact for saved notebooks; a notebook squeezed onto one line maps nothing, and its hits keep
 * their plain line and column.
 */
export function notebookLines(text: string): Map<number, NotebookPlace> {
  const places = new Map<number, NotebookPlace>();
  let cell = 0;
  let part: NotebookPlace['part'] | null = null;
  text.split('\n').forEach((line, i) => {
    if (/"cell_type"\s*:/.test(line)) {
      cell += 1;
      part = null;
    } else if (/"outputs"\s*:/.test(line)) part = 'output';
    else if (/"source"\s*:/.test(line)) part = 'source';
    else if (/"metadata"\s*:/.test(line) && part === null) return;
    if (cell > 0 && part) places.set(i + 1, { cell, part });
  });
  return places;
}

/** Adds the cell to each key hit of a notebook: the fix differs for a key in an output. */
export function withNotebookCells(hits: Hit[], bytes: Uint8Array): Hit[] {
  const places = notebookLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  return hits.map((h) => {
    const place = h.type === 'key' ? places.get(h.line) : undefined;
    return place ? { ...h, cell: place } : h;
  });
}
