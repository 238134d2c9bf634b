#!/usr/bin/env node
import * as nodeModule from 'node:module';
import { readFileSync } from 'node:fs';

// On an older Node the dependencies fail to load with a SyntaxError and a stack; a person needs
// one line saying which Node to install. The numbers are those of package.json's `engines`.
const [major, minor, patch] = process.versions.node.split('.').map(Number);
const supported = major === 22 ? minor > 22 || (minor === 22 && patch >= 2) : major === 24 ? minor >= 15 : major >= 26;
if (!supported) {
  const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stderr.write(`keyward: this is Node.js ${process.versions.node}; keyward needs Node.js ${engines.node.replaceAll(' || ', ', ')}. Install one (https://nodejs.org or your version manager) and run it again.\n`);
  process.exit(3);
}

// Node caches compiled code on disk (under the OS temp folder): later starts skip parsing.
nodeModule.enableCompileCache?.();
const { run } = await import('../bundle/main.js');
await run();
