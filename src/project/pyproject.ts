/**
 * The `[tool.keyward]` table of a pyproject.toml: for a Python app, what package.json's `"keyward"`
 * holds for a Node one. keyward needs only this table, whose values are strings, numbers, booleans
 * and arrays of them, so this small reader does instead of a TOML dependency; a value of any other
 * kind (inline table, date) ends the reading of that key and is left out. Keys are camelCased
 * (`rotation-days` -> `rotationDays`) so both manifests share one reader of settings.
 */
export function keywardTable(toml: string): Record<string, unknown> | undefined {
  const lines = toml.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*\[\s*tool\s*\.\s*keyward\s*\]\s*(?:#.*)?$/.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  const table: Record<string, unknown> = {};
  let i = 0;
  const skip = () => {
    for (;;) {
      while (i < body.length && /\s/.test(body[i]!)) i += 1;
      if (body[i] !== '#') return;
      while (i < body.length && body[i] !== '\n') i += 1;
    }
  };
  const value = (): unknown => {
    skip();
    const c = body[i];
    if (c === '"' || c === "'") {
      let out = '';
      i += 1;
      while (i < body.length && body[i] !== c && body[i] !== '\n') {
        if (c === '"' && body[i] === '\\') {
          i += 1;
          out += ({ n: '\n', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[body[i]!] ?? body[i];
        } else out += body[i];
        i += 1;
      }
      if (body[i] !== c) throw new SyntaxError('unterminated string');
      i += 1;
      return out;
    }
    if (c === '[') {
      i += 1;
      const items: unknown[] = [];
      for (;;) {
        skip();
        if (body[i] === ']') return (i += 1), items;
        items.push(value());
        skip();
        if (body[i] === ',') i += 1;
        else if (body[i] !== ']') throw new SyntaxError('bad array');
      }
    }
    const bare = /^(true|false|[+-]?\d[\d_]*(?:\.\d+)?)(?=\s|,|\]|#|$)/.exec(body.slice(i));
    if (!bare) throw new SyntaxError('unsupported value');
    i += bare[1]!.length;
    return bare[1] === 'true' ? true : bare[1] === 'false' ? false : Number(bare[1]!.replace(/_/g, ''));
  };
  for (;;) {
    skip();
    if (i >= body.length) return table;
    const key = /^(?:"([^"\n]+)"|'([^'\n]+)'|([A-Za-z0-9_-]+))\s*=/.exec(body.slice(i));
    const lineEnd = body.indexOf('\n', i) < 0 ? body.length : body.indexOf('\n', i);
    if (!key) {
      i = lineEnd;
      continue;
    }
    i += key[0].length;
    try {
      table[camel(key[1] ?? key[2] ?? key[3]!)] = value();
    } catch {
      i = Math.max(i, lineEnd);
    }
  }
}

function camel(key: string): string {
  return key.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}
