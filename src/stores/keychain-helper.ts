/**
 * The keychain helper: a short-lived process that makes keytar's native calls for keyward, so a
 * crash in libsecret (a locked collection) or a call that never returns (a Secret Service that
 * never answers) ends this process, never keyward. It speaks JSON lines: requests on stdin, answers
 * on stdout, so a key never travels on argv or in the environment. It imports nothing of keyward
 * and runs as plain Node (the test run starts the .ts file through Node's type stripping).
 *
 * Protocol: first line out `{"ready":true}` or `{"ready":false,"error":…}`; then, per request
 * `{"id":n,"op":"get"|"set"|"delete"|"accounts","service":…,"account"?:…,"password"?:…}`, one answer
 * `{"id":n,"ok":true,"value":…}` or `{"id":n,"ok":false,"error":…}`. It exits when stdin ends.
 */
import { createInterface } from 'node:readline';

interface Keytar {
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

interface Request {
  id: number;
  op: 'get' | 'set' | 'delete' | 'accounts';
  service: string;
  account: string;
  password?: string;
}

const say = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function serve(keytar: Keytar, r: Request): Promise<unknown> {
  if (r.op === 'get') return keytar.getPassword(r.service, r.account);
  // The names only: the secrets libsecret loads with them stay in this process.
  if (r.op === 'accounts') return (await keytar.findCredentials(r.service)).map((c) => c.account);
  if (r.op === 'set') return keytar.setPassword(r.service, r.account, r.password ?? '').then(() => null);
  return keytar.deletePassword(r.service, r.account);
}

let keytar: Keytar;
try {
  const mod = (await import('@github/keytar')) as { default?: Keytar } & Keytar;
  keytar = mod.default ?? mod;
  say({ ready: true });
} catch (error) {
  say({ ready: false, error: messageOf(error) });
  process.exit(0);
}

// One call at a time, in order: a read-back must see the write before it.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const r = JSON.parse(line) as Request;
  queue = queue.then(() =>
    serve(keytar, r).then(
      (value) => say({ id: r.id, ok: true, value: value ?? null }),
      (error: unknown) => say({ id: r.id, ok: false, error: messageOf(error) }),
    ),
  );
});
// keyward has every answer it waits for, or is gone; a native call still stuck holds a worker thread that only the exit ends.
lines.on('close', () => process.exit(0));
