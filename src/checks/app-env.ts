import type { Env } from '../core/io.js';
import type { CheckContext } from './types.js';

/**
 * The variables as the app sees them: the process's environment over the `.env*` files its loader
 * reads, winner first. A base URL set in `.env` (chat-ui points OPENAI_BASE_URL at Hugging Face's
 * router there) decides what a key in OPENAI_API_KEY may be, as one exported in the shell does.
 */
export function appEnv(ctx: Pick<CheckContext, 'env' | 'dotenvFiles'>, leaveOut: ReadonlySet<string> = new Set()): Env {
  const seen: Record<string, string> = {};
  // Winner last, so that it is the value kept.
  const loaded = loadedFiles(ctx).filter((f) => !leaveOut.has(f.ref.file)).reverse();
  for (const { read } of loaded) if (read.ok) for (const [name, { value }] of read.values) seen[name] = value;
  for (const [name, value] of Object.entries(ctx.env)) if (value !== undefined) seen[name] = value;
  return seen;
}

/** The `.env*` files the app's loader reads in this mode, winner first (as the project lists them). */
export function loadedFiles(ctx: Pick<CheckContext, 'dotenvFiles'>): CheckContext['dotenvFiles'] {
  return ctx.dotenvFiles.filter((f) => f.ref.order !== null);
}
