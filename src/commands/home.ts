import { buildContext } from '../checks/run-doctor.js';
import type { Outcome } from '../core/outcome.js';
import { doctorIO, type Deps } from '../deps.js';
import { doctorCommand, type DoctorFlags } from './doctor.js';
import { setupCommand } from './setup.js';

/**
 * Bare `keyward` (design.md): in a terminal with no key configured, the wizard; otherwise the
 * doctor, with the doctor's flags when `doctorAsked` (any was given).
 */
export async function homeCommand(flags: DoctorFlags, doctorAsked: boolean, deps: Deps): Promise<Outcome> {
  if (deps.terminal.interactive && !doctorAsked) {
    const io = doctorIO(deps);
    const ctx = await buildContext(io, { providerIds: [], live: 'off', history: false, failOn: 'high', timeoutMs: 0 });
    if (ctx.resolved.length === 0) return setupCommand({}, deps);
  }
  return doctorCommand(flags, deps);
}
