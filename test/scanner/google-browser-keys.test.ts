import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';
import { expectNoKey, parse } from '../live/scenarios.js';

// Firebase's web and mobile configs and the Maps JavaScript API put an `AIza` key in client code
// by design (a Next.js app's firebase.ts, a Vite app's VITE_GOOGLE_MAPS_API_KEY, DocsGPT's
// VITE_GOOGLE_PICKER_API_KEY). Such a key reaches Gemini only when its Google Cloud project and its
// restrictions let it: reported as what it is, at medium, with the fix that fits.

const at = (findings: Finding[], file: string): Finding => {
  const f = findings.find((x) => x.location?.file === file);
  if (!f) throw new Error(`no finding for ${file}: ${JSON.stringify(findings.map((x) => x.location?.file))}`);
  return f;
};

const firebaseConfig = (key: string) =>
  [
    "import { initializeApp } from 'firebase/app';",
    'const firebaseConfig = {',
    `  apiKey: "${key}",`,
    '  authDomain: "demo-app.firebaseapp.com",',
    '  projectId: "demo-app",',
    '  messagingSenderId: "1234567890",',
    '};',
    'export const app = initializeApp(firebaseConfig);',
    '',
  ].join('\n');

describe('Google API keys that the Firebase and Maps guides put in client code', () => {
  it('are medium findings named for their service, a history one is low; a Gemini key beside them stays critical', async () => {
    const firebase = fakeKey('gemini', 'firebase');
    const maps = fakeKey('gemini', 'maps');
    const script = fakeKey('gemini', 'script');
    const android = fakeKey('gemini', 'android');
    const gemini = fakeKey('gemini', 'gemini');
    const plain = fakeKey('gemini', 'plain');
    const old = fakeKey('gemini', 'old-firebase');
    const p = makeProject({ name: 'web' });
    p.write('src/firebase.ts', firebaseConfig(old));
    p.commit('firebase');
    p.write('src/firebase.ts', firebaseConfig(firebase));
    p.write('.env.production', `VITE_GOOGLE_MAPS_API_KEY=${maps}\n`);
    p.write('public/index.html', `<script src="https://maps.googleapis.com/maps/api/js?key=${script}&callback=initMap" async></script>\n`);
    p.write(
      'android/app/google-services.json',
      JSON.stringify({ project_info: { project_number: '1234567890', project_id: 'demo-app' }, client: [{ client_info: { mobilesdk_app_id: '1:1234567890:android:abc', android_client_info: { package_name: 'com.demo' } }, api_key: [{ current_key: android }] }] }, null, 2),
    );
    // A Gemini call right below the config: Gemini's words win near both keys, so a doubt is critical.
    p.write('src/ai.ts', `${firebaseConfig(firebase)}const genAI = new GoogleGenerativeAI("${gemini}");\n`);
    p.write('scripts/search.py', `GOOGLE_API_KEY = "${plain}"\n`);
    p.commit('keys');

    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir });
    for (const k of [firebase, maps, script, android, gemini, plain, old]) expectNoKey(r, k);
    const { findings } = parse(r);
    const shown = (f: Finding) => [f.rule, f.severity, f.title, f.secret?.kind];
    expect(shown(at(findings, 'src/firebase.ts'))).toEqual(['exposure.source-literal', 'medium', 'Google API key for Firebase in src/firebase.ts', 'browser']);
    expect(shown(at(findings, '.env.production'))).toEqual(['exposure.browser-env', 'medium', 'Google API key for Google Maps under VITE_GOOGLE_MAPS_API_KEY, shipped to the browser', 'browser']);
    expect(shown(at(findings, 'public/index.html'))).toEqual(['exposure.source-literal', 'medium', 'Google API key for Google Maps in public/index.html', 'browser']);
    expect(shown(at(findings, 'android/app/google-services.json'))).toEqual(['exposure.source-literal', 'medium', 'Google API key for Firebase in android/app/google-services.json', 'browser']);
    const ai = findings.filter((f) => f.location?.file === 'src/ai.ts').map(shown);
    expect(ai).toEqual([
      ['exposure.source-literal', 'critical', 'Google Gemini key hardcoded in src/ai.ts', 'api'],
      ['exposure.source-literal', 'critical', 'Google Gemini key hardcoded in src/ai.ts', 'api'],
    ]);
    expect(shown(at(findings, 'scripts/search.py'))).toEqual(['exposure.source-literal', 'critical', 'Google Gemini key hardcoded in scripts/search.py', 'api']);
    const history = findings.find((f) => f.rule === 'exposure.history')!;
    expect([history.severity, history.title.replace(/commit [0-9a-f]{7}/, 'commit C')]).toEqual(['low', 'Google API key for Firebase in git history (src/firebase.ts, commit C)']);
    const f = at(findings, 'src/firebase.ts');
    expect(f.detail).toContain('public by design; but a Google API key also calls Gemini once the Generative Language API is on in its Google Cloud project');
    expect(f.fix).toBe(
      'In the Google Cloud console (APIs & Services → Credentials), restrict the key to the APIs Firebase needs (never the Generative Language API) and to your sites or apps; give Gemini a key of its own, read on the server (GEMINI_API_KEY). `keyward doctor` without --offline checks whether this key reaches Gemini now.',
    );
    // Two criticals (the Gemini keys) fail the scan.
    expect(r.code).toBe(1);
  });

  it('a tracked .env holding only a Firebase key is not a key file: the doctor reports the key at medium and no exposure.env-tracked', async () => {
    const key = fakeKey('gemini', 'dotenv-firebase');
    const p = makeProject({ name: 'web' });
    p.write('package.json', JSON.stringify({ name: 'web', dependencies: { firebase: '11', next: '15' } }));
    p.write('.env', `NEXT_PUBLIC_FIREBASE_API_KEY=${key}\n`);
    p.commit('init');
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
    expectNoKey(r, key);
    const report = parse(r);
    expect(report.findings.filter((x) => x.rule !== 'missing.keychain-unavailable').map((x) => [x.rule, x.severity, x.title])).toEqual([
      ['exposure.browser-env', 'medium', 'Google API key for Firebase under NEXT_PUBLIC_FIREBASE_API_KEY, shipped to the browser'],
    ]);
    expect(r.code).toBe(0);
  });
});

describe('scan --verify on a browser key asks whether it reaches Gemini', () => {
  const fake = useFakeProvider();

  it('one that calls Gemini is critical, one whose project has Gemini off is low, one held to its sites stays medium', async () => {
    const reaches = fake.key('ok', 'gemini');
    const off = fake.key('gemini-service-disabled', 'gemini');
    const sites = fake.key('gemini-referrer-blocked', 'gemini');
    const p = makeProject({ name: 'web' });
    p.write('src/reaches.ts', firebaseConfig(reaches));
    p.write('src/off.ts', firebaseConfig(off));
    p.write('src/sites.ts', firebaseConfig(sites));
    p.commit('init');
    const r = await runCli(['scan', '--verify', '--json'], { cwd: p.dir, env: { KEYWARD_VERIFY_BASE_URL_GEMINI: fake.baseURL } });
    for (const k of [reaches, off, sites]) expectNoKey(r, k);
    const { findings } = parse(r);
    const shown = (f: Finding) => [f.severity, f.title, f.secret?.live];
    expect(shown(at(findings, 'src/reaches.ts'))).toEqual(['critical', 'Google API key for Firebase in src/reaches.ts: it calls Google Gemini, restrict it now', 'live']);
    expect(at(findings, 'src/reaches.ts').fix).toMatch(/^Restrict it now: in the Google Cloud console \(APIs & Services → Credentials\), take the Generative Language API out of what the key may call/);
    expect(shown(at(findings, 'src/off.ts'))).toEqual(['low', 'Google API key for Firebase in src/off.ts: cannot call Google Gemini now', 'live']);
    expect(at(findings, 'src/off.ts').detail).toContain("Google Gemini refused it just now (The Generative Language API is off in the key's Google Cloud project (403 SERVICE_DISABLED))");
    expect(shown(at(findings, 'src/sites.ts'))).toEqual(['medium', 'Google API key for Firebase in src/sites.ts', 'live']);
    expect(at(findings, 'src/sites.ts').detail).toContain('a forged Referer header passes such a restriction');
    expect(r.code).toBe(1);
  });
});
