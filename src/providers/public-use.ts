/**
 * Google API keys that Google's own guides put in client code: a Firebase web or mobile config and
 * the Maps JavaScript API carry an `AIza` key by design, and Firebase's checklist says such keys
 * are not secrets. The same key reaches Gemini once the Generative Language API is on in its
 * Google Cloud project and its API restrictions allow it (Truffle Security, February 2026), so it
 * is reported, but as what it is and with the fix that fits: restrict it, not move it to a server.
 * The words around a key decide. Gemini's own words win, so a doubt reports a Gemini key.
 */
interface PublicUse {
  service: string;
  /** Words of a variable name (`VITE_GOOGLE_MAPS_API_KEY`, `firebaseApiKey`) that name the service. */
  words: readonly string[];
  /** Text near the key that only the service's own config or loader has. */
  around: RegExp;
}

const USES: readonly PublicUse[] = [
  { service: 'Firebase', words: ['FIREBASE'], around: /\bauthDomain\b|\.firebaseapp\.com\b|\bmessagingSenderId\b|\bmobilesdk_app_id\b|\bGCM_SENDER_ID\b|\bfirebase_url\b/ },
  { service: 'Google Maps', words: ['MAP', 'MAPS', 'PLACES', 'GEOCODING', 'GEOCODER', 'DIRECTIONS', 'STREETVIEW'], around: /maps\.googleapis\.com\/maps\/api\/(?:js|staticmap)\b/ },
  { service: 'Google Picker', words: ['PICKER'], around: /\bgoogle\.picker\b/ },
  { service: 'YouTube', words: ['YOUTUBE'], around: /youtube\.googleapis\.com|googleapis\.com\/youtube\//i },
];

/** Words that make a key Gemini's, in a name (`GOOGLE_AI_API_KEY`) or near the key (`new GoogleGenerativeAI(…)`). */
const GEMINI_WORDS = new Set(['GEMINI', 'GENAI', 'GENERATIVE', 'AI', 'AISTUDIO', 'PALM', 'VERTEX', 'LLM']);
const GEMINI_AROUND = /gemini|generativelanguage|GoogleGenerativeAI|GoogleGenAI|\bgenai\b/i;

/** `firebaseApiKey`, `VITE_GOOGLE_MAPS_API_KEY` -> FIREBASE, API, KEY / VITE, GOOGLE, MAPS, API, KEY. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

/**
 * The public Google service a key of `providerId` is for, from the variable it is assigned to
 * and the text around it (empty when there is none), or null for a key that is the provider's own.
 */
export function publicUseOf(providerId: string, variable: string | null, around: string): string | null {
  if (providerId !== 'gemini') return null;
  const words = variable ? nameWords(variable) : [];
  if (words.some((w) => GEMINI_WORDS.has(w))) return null;
  const named = USES.find((u) => u.words.some((w) => words.includes(w)));
  if (named) return named.service;
  if (GEMINI_AROUND.test(around)) return null;
  return USES.find((u) => u.around.test(around))?.service ?? null;
}
