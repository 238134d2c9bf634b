// Runs only the history scan on a repository, as `keyward scan --history` would, for the benchmark.
import { createGitRunner } from '../dist/git/git.js';
import { scanHistory } from '../dist/scanner/index.js';

const root = process.argv[2];
const r = await scanHistory({ root, git: createGitRunner(process.env), env: process.env });
process.stdout.write(`${JSON.stringify({ findings: r.findings.length, checks: r.checks })}\n`);
