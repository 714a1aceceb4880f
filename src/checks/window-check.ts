/**
 * The `window` check: the playbook's release-window policy allows releasing now, judged by the
 * same rules as `gonogo decide`, so CI can refuse a Friday deploy early.
 */
import type { CheckParams } from '../core/check-params.ts';
import { InputError } from '../core/errors.ts';
import { checkWindow, localTime } from '../core/window.ts';
import type { CheckDefinition } from './check-types.ts';

const windowCheck: CheckDefinition<CheckParams<'window'>> = {
  name: 'window',
  timeoutMs: 5_000,
  async run(ctx) {
    const policy = ctx.policy.window;
    const now = ctx.now();
    if (!policy) {
      return {
        status: 'passed',
        summary: 'no window policy',
        evidence: { now: now.toISOString() },
      };
    }
    const zone = policy.timezone || 'UTC';
    let blockers;
    let local;
    try {
      blockers = checkWindow(policy, now);
      local = localTime(now, zone);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return {
        status: 'error',
        summary: err.problems.map((p) => p.message).join('; '),
        fix: err.problems[0]?.fix ?? 'fix policy.window in the playbook',
        evidence: { now: now.toISOString(), policy },
      };
    }
    const evidence = {
      now: now.toISOString(),
      local: `${local.dayName} ${local.date} ${local.time} ${zone}`,
      policy,
    };
    if (blockers.length) {
      return {
        status: 'failed',
        summary: blockers.map((b) => b.message).join('; '),
        fix: 'release when the window opens, or have a release manager override it with a reason in gonogo decide',
        evidence: {
          ...evidence,
          findings: blockers.map((b) => ({ where: 'policy.window', message: b.message })),
        },
      };
    }
    return {
      status: 'passed',
      summary: `${local.dayName} ${local.time} in ${zone} is inside the release window`,
      evidence,
    };
  },
};

export default windowCheck;
