// `npm run bench [-- --repo DIR] [--runs N] [--only doctor]`: every table of issue 14's, in order:
// the scans and the doctor (`run.js`, which takes the arguments), then the wizard's first question
// without and, where the machine has one, with a Secret Service (`first-question.js`, ten runs).
// One entry point because npm hands a script's arguments to the last command of its line only.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const step = (script, extra) => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url)), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step('./run.js', args);
if (!args.includes('--only')) {
  step('./first-question.js', []);
  if (has('dbus-run-session') && has('gnome-keyring-daemon')) step('./first-question.js', ['--secret-service']);
}
