import { describe, expect, it } from 'vitest';
import { composeEnvFiles } from '../../src/project/compose.js';

describe('composeEnvFiles: the env files docker compose gives each service built from a folder', () => {
  it('reads build as a folder or a context, env_file as a name, a list or {path}; leaves out what is not the project\'s', () => {
    const text = [
      'services:',
      '  db:',
      '    image: postgres',
      '    env_file: .env',
      '  backend:',
      '    build:',
      '      context: ./backend/',
      '    env_file:',
      '      - .env',
      '      - path: ./backend/.env.docker',
      '        required: false',
      '  web:',
      '    build: web',
      '    env_file: ${ENV_FILE}',
      '  worker:',
      '    build: ./backend',
      '    env_file: [.env.worker, ../secrets/.env]',
      '  remote:',
      '    build: https://github.com/x/y.git',
      '    env_file: .env',
      '',
    ].join('\n');
    expect([...composeEnvFiles(text)]).toEqual([['backend', ['.env', 'backend/.env.docker', '.env.worker']]]);
  });

  it('text that is not a compose file gives nothing', () => {
    expect(composeEnvFiles('services: [').size).toBe(0);
    expect(composeEnvFiles('just text').size).toBe(0);
    expect(composeEnvFiles('a: &a [*a]').size).toBe(0);
  });
});
