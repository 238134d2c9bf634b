import type { DoctorIO } from '../checks/index.js';
import type { Deps } from '../deps.js';

/** What the doctor's services read, taken from the process's dependencies. */
export function doctorIO(deps: Deps): DoctorIO {
  return {
    root: deps.cwd,
    env: deps.env,
    git: deps.git,
    keychain: deps.keychain,
    platform: deps.platform,
    now: deps.now,
    version: deps.version,
    stateDir: deps.stateDir,
  };
}
