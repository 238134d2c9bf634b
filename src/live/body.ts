/** The shapes error bodies come in, OpenAI's and the others' (research §1 and §4). */
export type BodyShape =
  | 'openai'
  | 'anthropic'
  | 'google'
  | 'string-error'
  | 'message'
  | 'detail'
  | 'html'
  | 'empty'
  | 'text'
  | 'json';

/** An error body reduced to what the classifier reads; every field may be missing. */
export interface ServerError {
  shape: BodyShape;
  message: string | null;
  type: string | null;
  /** `code` as a string: OpenRouter and Azure send numbers or numeric strings. */
  code: string | null;
  /** Google's `details[].reason` (`API_KEY_INVALID`). */
  reason: string | null;
}

const NONE: Omit<ServerError, 'shape'> = { message: null, type: null, code: null, reason: null };

function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Google's `{"error":{"code":400,"message":…,"status":…,"details":[{"reason":…}]}}`, alone or in an array. */
function fromGoogle(error: Record<string, unknown>): ServerError {
  const details = Array.isArray(error.details) ? error.details : [];
  const reason = details.map((d) => (isObject(d) ? str(d.reason) : null)).find((r) => r !== null) ?? null;
  return { shape: 'google', message: str(error.message), type: str(error.status), code: str(error.code), reason };
}

/** Normalises an already parsed body (an HTTP error body or a stream's error event). */
export function readErrorValue(value: unknown): ServerError {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (isObject(first) && isObject(first.error)) return fromGoogle(first.error);
    return { shape: 'json', ...NONE };
  }
  if (!isObject(value)) return typeof value === 'string' ? { shape: 'text', ...NONE, message: value } : { shape: 'json', ...NONE };
  const error = value.error;
  if (isObject(error)) {
    if (typeof error.status === 'string' && Array.isArray(error.details)) return fromGoogle(error);
    if (value.type === 'error') {
      return { shape: 'anthropic', ...NONE, message: str(error.message), type: str(error.type) };
    }
    return { shape: 'openai', message: str(error.message), type: str(error.type), code: str(error.code), reason: null };
  }
  if (typeof error === 'string') return { shape: 'string-error', ...NONE, message: error };
  if (typeof value.message === 'string') return { shape: 'message', ...NONE, message: value.message, type: str(value.type), code: str(value.code) };
  if (typeof value.detail === 'string') return { shape: 'detail', ...NONE, message: value.detail };
  return { shape: 'json', ...NONE };
}

/** Normalises a raw HTTP body: JSON of any known shape, an HTML page, plain text or nothing. */
export function readErrorBody(body: string, contentType: string): ServerError {
  const text = body.trim();
  if (text === '') return { shape: 'empty', ...NONE };
  if (/html/i.test(contentType) || /^<(!doctype|html|head|body|\?xml)/i.test(text)) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() ?? null;
    return { shape: 'html', ...NONE, message: title };
  }
  try {
    return readErrorValue(JSON.parse(text));
  } catch {
    return { shape: 'text', ...NONE, message: text.slice(0, 300) };
  }
}
