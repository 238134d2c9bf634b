import type { CheckContext } from './types.js';
import { loadedFiles } from './app-env.js';

const VARIABLE = 'VERCEL_OIDC_TOKEN';

/** Where the app finds a Vercel OIDC token, and when it stops working (null: not a token keyward can read a date from). */
export interface OidcToken {
  variable: string;
  where: string;
  expires: Date | null;
}

/** The `exp` claim of a JWT, read from its payload alone (the token is never shown). */
function expiry(token: string): Date | null {
  const payload = token.trim().split('.')[1];
  if (!payload) return null;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}

/**
 * The OIDC token `@ai-sdk/gateway` uses when no AI_GATEWAY_API_KEY is set: on Vercel it is given to
 * the function, and `vercel env pull` writes one (valid 12 hours) to `.env.local`, which is how the
 * Vercel chatbot template's README has people run it locally. Undefined when none is set.
 */
export function gatewayOidcToken(ctx: Pick<CheckContext, 'env' | 'dotenvFiles'>): OidcToken | undefined {
  const fromEnv = ctx.env[VARIABLE];
  if (fromEnv?.trim()) return { variable: VARIABLE, where: 'the environment', expires: expiry(fromEnv) };
  const file = loadedFiles(ctx).find((f) => f.read.ok && f.read.values.get(VARIABLE)?.value.trim());
  if (!file || !file.read.ok) return undefined;
  return { variable: VARIABLE, where: file.ref.file, expires: expiry(file.read.values.get(VARIABLE)!.value) };
}
