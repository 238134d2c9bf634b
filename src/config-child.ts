/**
 * The worker of `keyward/config`: run as a short-lived child process, it reads the app's keys
 * (the keychain's native calls and the async file reads) and writes them to stdout as JSON for
 * the parent, which waits for it synchronously. The parent's environment is this process's, so
 * the keys of the reply are only those the parent lacks. Nothing here prints a key anywhere else.
 */
import { findAppRoot } from './project/app-root.js';
import { loadKeys } from './run/keys.js';
import { createKeychainOpener } from './stores/keychain-backend.js';
import { keychainAccount } from './stores/keychain.js';

/** What the parent sends on stdin. */
interface Request {
  entry: string | undefined;
  cwd: string;
}

/** What the child writes on stdout: variables to set, and the lines the parent prints on stderr. */
export interface ConfigReply {
  inject: Record<string, string>;
  /** Printed unless KEYWARD_QUIET: a key the app will miss, and why. */
  warnings: string[];
  /** Printed with KEYWARD_DEBUG. */
  debug: string[];
}

async function answer(request: Request): Promise<ConfigReply> {
  const root = findAppRoot(request.entry, request.cwd);
  const keys = await loadKeys(
    { root, env: process.env, keychain: createKeychainOpener({ platform: process.platform, env: process.env, node: process.execPath }), platform: process.platform },
    [],
    { insideApp: true },
  );
  return {
    inject: Object.fromEntries(Object.entries(keys.inject).map(([variable, secret]) => [variable, secret.reveal()])),
    warnings: keys.undelivered.map(({ provider: p, variable }) => {
      const why = keys.keychain.usable
        ? `no source holds it (the environment, the OS keychain account ${keychainAccount(p.id, keys.project)}, the .env files of ${root})`
        : `the OS keychain could not be read (${keys.keychain.problem.reason}) and no .env file of ${root} holds it`;
      const fix = keys.keychain.usable ? `store it with \`keyward setup --provider ${p.id}\`` : keys.keychain.problem.fix;
      return `keyward/config: ${variable} is not set for this app: ${why}. Fix: ${fix}`;
    }),
    debug: [
      `keyward/config: the app is ${root}.`,
      ...keys.overridden.map(
        ({ variable, file }) => `keyward/config: ${variable} had been loaded from ${file} by the framework; the OS keychain's key replaces it, as keyward's order (environment, keychain, .env files) says.`,
      ),
      ...(keys.keychain.usable ? [] : [`keyward/config: the keychain was not read (${keys.keychain.problem.reason}); keys come from the environment and .env files.`]),
    ],
  };
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
let reply: ConfigReply;
try {
  reply = await answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request);
} catch (error) {
  // A message from a library can quote a file's content: it is scrubbed before it leaves.
  const { scrubKeys } = await import('./providers/scrub.js');
  const message = scrubKeys(error instanceof Error ? error.message : String(error)).split('\n')[0];
  reply = { inject: {}, warnings: [`keyward/config: no keys were loaded: ${message}. Fix: run \`keyward doctor\` in the app's folder to see why.`], debug: [] };
}
process.stdout.write(JSON.stringify(reply));
