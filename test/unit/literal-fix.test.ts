import { describe, expect, it } from 'vitest';
import { literalFix } from '../../src/scanner/findings.js';

// Issue 11: the fix for a key literal is written in the file's own language.
describe('literalFix', () => {
  it.each([
    ['app.py', 'replace the literal with os.environ["OPENAI_API_KEY"] (import os)'],
    ['nb/explore.ipynb', 'read it with os.environ["OPENAI_API_KEY"] in the notebook\'s code and clear saved outputs (`jupyter nbconvert --clear-output --inplace nb/explore.ipynb`)'],
    ['src/route.ts', 'replace the literal with process.env.OPENAI_API_KEY (server code only)'],
    ['lib/client.rb', 'replace the literal with ENV.fetch("OPENAI_API_KEY")'],
    ['main.go', 'replace the literal with os.Getenv("OPENAI_API_KEY")'],
    ['scripts/run.sh', 'replace the literal with "$OPENAI_API_KEY", set in the environment that runs the script'],
    ['Dockerfile', "remove it from the image and pass it when the container starts (`docker run -e OPENAI_API_KEY`, or your platform's secrets)"],
    ['.github/workflows/ci.yml', 'replace the literal with `${{ secrets.OPENAI_API_KEY }}` and store the key as a repository secret'],
    ['.env.local.example', 'replace the value with a placeholder (OPENAI_API_KEY=) so the template names the variable only'],
    ['example.env', 'replace the value with a placeholder (OPENAI_API_KEY=) so the template names the variable only'],
    ['config/.env.production', 'add `/config/.env.production` to .gitignore (and run `git rm --cached config/.env.production` if it is committed)'],
    ['README.md', 'replace it with a placeholder such as OPENAI_API_KEY=your-key-here'],
    ['config/settings.json', 'move it out of the file into the environment variable OPENAI_API_KEY'],
  ])('%s', (file, fix) => {
    expect(literalFix(file, 'OPENAI_API_KEY')).toBe(fix);
  });
});
