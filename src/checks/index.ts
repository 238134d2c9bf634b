import { envFilesGitCheck } from './env-files-git.js';
import { exposedKeysLiveCheck } from './exposed-keys-live.js';
import { filePermissionsCheck } from './file-permissions.js';
import { keyAgeCheck } from './key-age.js';
import { keyKindCheck } from './key-kind.js';
import { keyResolutionCheck } from './key-resolution.js';
import { keychainCheck } from './keychain.js';
import { liveCallsCheck } from './live-calls.js';
import type { Check } from './types.js';

export type { Check, CheckContext, CheckOutcome, LiveMode } from './types.js';
export { runDoctor, type DoctorIO, type DoctorOptions } from './run-doctor.js';
export { gateMissingKeys } from './missing-gate.js';

/** The doctor's checks, in report order. A check is added by adding it here. */
export const DOCTOR_CHECKS: readonly Check[] = [keyResolutionCheck, keychainCheck, envFilesGitCheck, filePermissionsCheck, exposedKeysLiveCheck, keyKindCheck, keyAgeCheck, liveCallsCheck];
