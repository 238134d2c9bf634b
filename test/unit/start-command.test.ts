import { describe, expect, it } from 'vitest';
import { scriptEntry } from '../../src/project/start-command.js';

describe('the entry file of a start script', () => {
  it('is the first file node or tsx runs, past variables and flags with their values', () => {
    expect(scriptEntry('node server.js')).toEqual({ runner: 'node', entry: 'server.js' });
    expect(scriptEntry('NODE_ENV=production node --env-file=.env -r dotenv/config ./dist/index.js --port 3000')).toEqual({ runner: 'node', entry: 'dist/index.js' });
    expect(scriptEntry('tsx --tsconfig tsconfig.server.json src/server.ts')).toEqual({ runner: 'tsx', entry: 'src/server.ts' });
  });

  it('is none for code on the command line, another runner, or a chain before any file', () => {
    expect(scriptEntry("node -e 'require(\"./a\")'")).toBeNull();
    expect(scriptEntry('next start')).toBeNull();
    expect(scriptEntry('node --watch && node server.js')).toBeNull();
    expect(scriptEntry('')).toBeNull();
  });
});
