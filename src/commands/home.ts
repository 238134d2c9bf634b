import { buildContext } from '../checks/run-doctor.js';
import type { Outcome } from '../core/outcome.js';
import type { Deps } from '../deps.js';
import { doctorCommand } from './doctor.js';
import { setupCommand } from './setup.js';
import { doctorIO } from './doctor-io.js';

/** Bare `keyward` (design.md): in a terminal with no key configured, the wizard; otherwise the doctor. */
export async function homeCommand(deps: Deps): Promise<Outcome> {
  if (deps.terminal.interactive) {
    const io = doctorIO(deps);
    const ctx = await buildContext(io, { providerIds: [], live: 'off', history: false, failOn: 'high', timeoutMs: 0 });
    if (ctx.resolved.length === 0) return setupCommand({}, deps);
  }
  return doctorCommand({ history: true, failOn: 'high' }, deps);
}
