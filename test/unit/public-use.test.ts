import { describe, expect, it } from 'vitest';
import { publicUseOf } from '../../src/providers/public-use.js';

describe('publicUseOf: the public Google service a key is for, from its name and the text around it', () => {
  it.each([
    ['gemini', 'firebaseApiKey', '', 'Firebase'],
    ['gemini', 'NEXT_PUBLIC_FIREBASE_API_KEY', '', 'Firebase'],
    ['gemini', 'GOOGLE_MAPS_KEY', '', 'Google Maps'],
    ['gemini', 'googleMapApiKey', '', 'Google Maps'],
    ['gemini', 'VITE_GOOGLE_PICKER_API_KEY', '', 'Google Picker'],
    ['gemini', 'YOUTUBE_API_KEY', '', 'YouTube'],
    ['gemini', 'apiKey', 'const cfg = { apiKey: "…", authDomain: "x.firebaseapp.com" }', 'Firebase'],
    ['gemini', 'key', '<script src="https://maps.googleapis.com/maps/api/js?key=…">', 'Google Maps'],
    // Gemini's words win: in the name, then near the key.
    ['gemini', 'FIREBASE_GEMINI_KEY', '', null],
    ['gemini', 'NEXT_PUBLIC_GOOGLE_AI_KEY', '', null],
    ['gemini', 'apiKey', 'authDomain: "x.firebaseapp.com" … new GoogleGenerativeAI(', null],
    ['gemini', 'GOOGLE_API_KEY', '', null],
    ['gemini', null, '', null],
    ['openai', 'FIREBASE_API_KEY', '', null],
  ])('%s %s -> %s', (provider, variable, around, service) => {
    expect(publicUseOf(provider, variable, around)).toBe(service);
  });
});
