#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Node caches compiled code on disk (under the OS temp folder): later starts skip parsing.
enableCompileCache?.();
const { run } = await import('../dist/main.js');
await run();
