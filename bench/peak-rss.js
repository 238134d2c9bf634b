// Preloaded by the benchmark (`node --import`): at exit, writes the process's peak RSS in KB (its
// worker threads included, git's child processes not) to the file BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
