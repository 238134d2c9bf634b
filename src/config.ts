/**
 * `keyward/config`: fills `process.env` with the app's keys before the app's own code runs, so
 * `new OpenAI()` finds its key. keyward's order (design.md): a variable already set is never
 * overridden (unless a framework set it from a `.env` file that the keychain outranks), then the
 * OS keychain, then the `.env*` files of the app (found from the entry file, else the working
 * folder).
 *
 * It works the same from `import 'keyward/config'` on an entry's first line, `require`, `node -r`,
 * `node --import` and NODE_OPTIONS, because it is synchronous: the reading happens in a
 * short-lived child process that this module waits for (`spawnSync`), so no sibling import runs
 * before the keys are in place (a top-level await would let them), and a keychain that crashes
 * or hangs takes only the child with it. The app always starts; a key it will miss is named on
 * stderr with the reason and the fix (KEYWARD_QUIET=1 silences that; KEYWARD_DEBUG=1 says more).
 * No key is ever printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConfigReply } from './config-child.js';

/**
 * A hard cap for the worker, past which it is killed: the keychain helper's start (up to 15 s on a
 * starved machine, normally a Node start-up) and its 3-second budget, plus reading the project.
 */
const BUDGET_MS = 20_000;
const GUARD = 'KEYWARD_CONFIG_CHILD';

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Reads the keys in the worker and puts them into `process.env`; says on stderr what the app will miss. */
function deliverKeys(): void {
  const worker = fileURLToPath(new URL('./config-child.js', import.meta.url));
  if (!existsSync(worker)) {
    // A bundler (Next.js bundles server code by default) copied this module away from keyward's files.
    if (!process.env.KEYWARD_QUIET) {
      say("keyward/config: no keys were loaded: keyward was bundled into the app, away from its own files. Fix: keep it external (Next.js: serverExternalPackages: ['keyward'] in next.config), or start the app with `keyward run -- …`.");
    }
    return;
  }
  const child = spawnSync(process.execPath, [worker], {
    input: JSON.stringify({ entry: process.argv[1], cwd: process.cwd() }),
    env: { ...process.env, [GUARD]: '1', NODE_OPTIONS: undefined },
    encoding: 'utf8',
    timeout: BUDGET_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 1024 * 1024,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let reply: ConfigReply | undefined;
  try {
    reply = child.status === 0 ? (JSON.parse(child.stdout) as ConfigReply) : undefined;
  } catch {
    reply = undefined;
  }
  if (reply) {
    for (const [variable, value] of Object.entries(reply.inject)) process.env[variable] = value;
    if (!process.env.KEYWARD_QUIET) reply.warnings.forEach(say);
    if (process.env.KEYWARD_DEBUG) reply.debug.forEach(say);
  } else if (!process.env.KEYWARD_QUIET) {
    // The child's stderr is not shown: a native library's message there could quote anything.
    const why = child.error ? `it did not finish within ${BUDGET_MS / 1000} s` : child.signal ? `it was killed by ${child.signal}` : `it failed (exit ${child.status})`;
    say(`keyward/config: no keys were loaded from the keychain or .env files: ${why}. The app starts with its own environment only. Fix: run \`keyward doctor\` in the app's folder to see why.`);
  }
}

// The worker runs node with this process's environment: without the guard, a NODE_OPTIONS that
// imports keyward/config would start a worker in the worker.
if (!process.env[GUARD]) deliverKeys();
