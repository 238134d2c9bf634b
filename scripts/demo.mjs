// `npm run demo`: builds a small Next.js + OpenAI app in a temporary folder with the mistakes people
// make, then runs `keyward doctor --offline` on it (messages on stderr, the report on stdout), so a newcomer sees in a minute what keyward finds.
// Keys are generated here at run time (random, never valid): a committed key-shaped string is
// exactly what keyward exists to flag. Arguments go to the doctor (`npm run demo -- --json`).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/keyward.js', import.meta.url));
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const random = (n) => Array.from({ length: n }, () => B64URL[randomInt(B64URL.length)]).join('');
// OpenAI project keys carry this marker in the middle; split so this file holds no key shape.
const openaiKey = () => `sk-proj-${random(74)}${['T3Blbk', 'FJ'].join('')}${random(74)}`;
const anthropicKey = () => `sk-ant-api03-${random(93)}AA`;

const dir = mkdtempSync(join(tmpdir(), 'keyward-demo-'));
const write = (file, text, mode = 0o644) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
  chmodSync(join(dir, file), mode);
};
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });

const leaked = openaiKey();
const inUse = openaiKey();
write('package.json', `${JSON.stringify({ name: 'chat-demo', private: true, dependencies: { next: '16.0.0', openai: '7.0.0', '@anthropic-ai/sdk': '0.60.0' } }, null, 2)}\n`);
write('.gitignore', 'node_modules/\n.next/\n');
write('app/api/chat/route.ts', "import OpenAI from 'openai';\n\nconst client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });\n\nexport async function POST(req: Request) {\n  const { messages } = await req.json();\n  return Response.json(await client.chat.completions.create({ model: 'gpt-4o-mini', messages }));\n}\n");
write('lib/openai.ts', `export const apiKey = '${leaked}';\n`);
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'chat route with a key to try it');
// "Removed" from the code, but the commit still holds it.
write('lib/openai.ts', 'export const apiKey = process.env.OPENAI_API_KEY;\n');
// A tracked .env, committed by a `git add .` before anyone wrote .gitignore.
write('.env', `ANTHROPIC_API_KEY=${anthropicKey()}\n`);
git('add', '-A');
git('commit', '-q', '-m', 'read the key from the environment');
// The key in use, under a name Next.js inlines into the browser bundle.
write('.env.local', `NEXT_PUBLIC_OPENAI_API_KEY=${inUse}\nOPENAI_API_KEY=${inUse}\n`, 0o600);
write('logs/dev.log', `[dev] POST /api/chat using key ${inUse}\n`);

console.error(`A sample LLM app with the usual mistakes is in ${dir}\n`);
const doctor = spawnSync(process.execPath, [BIN, 'doctor', '--offline', ...process.argv.slice(2)], { cwd: dir, stdio: 'inherit' });
console.error(`\nTry the safe fixes on it: cd ${dir} && node ${BIN} doctor --offline --fix`);
// Findings (exit 1) are the point of the demo, not a failure of it.
process.exit(doctor.status === 1 ? 0 : (doctor.status ?? 3));
