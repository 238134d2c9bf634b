// Runs one scan on a repository with a given number of threads, as the CLI would, for the benchmark:
// `node bench/scan-only.js worktree|history THREADS DIR [cold]`. `cold` leaves the result cache out
// (nothing read from it or written to it). Prints the findings' count and the check.
import { createGitRunner } from '../dist/git/git.js';
import { scanHistory, scanWorktree } from '../dist/scanner/index.js';

const [what, threads, root, mode] = process.argv.slice(2);
const scan = what === 'history' ? scanHistory : scanWorktree;
const r = await scan({ root, git: createGitRunner(process.env), env: process.env, workers: Number(threads), cache: mode !== 'cold' });
process.stdout.write(`${JSON.stringify({ findings: r.findings.length, checks: r.checks })}\n`);
