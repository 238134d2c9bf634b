import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

// The lint's layering and one-home rules, shown failing: a copy of the source with one stray
// import, checked by the same dependency-cruiser command `npm run lint` runs.
const ROOT = join(import.meta.dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const copies: string[] = [];

function copyOfSource(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-lint-'));
  copies.push(dir);
  for (const f of ['src', 'package.json', 'tsconfig.json', '.dependency-cruiser.cjs']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function lint(dir: string): Promise<{ code: number; out: string }> {
  try {
    const r = await promisify(execFile)(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: dir });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

afterEach(() => {
  for (const d of copies.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('npm run lint: one home per dependency, imports one way', () => {
  it('passes on the source as it is', async () => {
    expect((await lint(copyOfSource())).code).toBe(0);
  });

  // One copy with every stray import at once: each lint run takes seconds.
  const strays: Array<[file: string, code: string, rule: string]> = [
    ['src/core/stray-dotenv.ts', "import { parse } from 'dotenv';\nexport const p = parse;\n", 'dotenv-only-in-its-home'],
    ['src/checks/stray-ignore.ts', "import ignore from 'ignore';\nexport const i = ignore;\n", 'ignore-only-in-its-home'],
    ['src/commands/stray-react.ts', "import { createElement } from 'react';\nexport const c = createElement;\n", 'react-only-in-its-home'],
    ['src/checks/stray-openai.ts', "import OpenAI from 'openai';\nexport const o = OpenAI;\n", 'openai-only-in-its-home'],
    ['src/report/stray-ci.ts', "import ciInfo from 'ci-info';\nexport const c = ciInfo;\n", 'ci-info-only-in-its-home'],
    // A type import that points up a layer is refused as a value import is.
    ['src/report/stray-type.ts', "import type { SetupFlags } from '../setup/flow.js';\nexport type F = SetupFlags;\n", 'report-not-to-'],
  ];

  it('fails on a second home for any dependency, and on a type import up a layer, naming each file', async () => {
    const dir = copyOfSource();
    for (const [file, code] of strays) writeFileSync(join(dir, file), code);
    const r = await lint(dir);
    expect(r.code).not.toBe(0);
    const lines = r.out.split('\n');
    for (const [file, , rule] of strays) expect(lines.some((l) => l.includes(rule) && l.includes(file)), `${rule} ${file}\n${r.out}`).toBe(true);
  });

  it('stops on a runtime dependency that has no home yet', async () => {
    const dir = copyOfSource();
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    pkg.dependencies['left-pad'] = '^1.3.0';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    const r = await lint(dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('.dependency-cruiser.cjs: give left-pad a home module in HOMES');
  });
});
