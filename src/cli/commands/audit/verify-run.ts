// What `cxone-exports audit verify` does when it runs: the verify operation on each selected environment's
// state, with that environment's signing key when one is set; an environment whose chain is broken fails.

import { auditKeyFor } from '../../../audit/audit-key.js';
import { DEFAULT_ENVIRONMENT } from '../../../config/project-config.js';
import { verifyAudit } from '../../../operations/verify-audit.js';
import type { CommandContext } from '../../command-context.js';
import { runInSelection } from '../../run-in-selection.js';
import { sentNothing } from '../../views/run-report.js';
import { withStateStore } from '../../with-state-store.js';
import { showVerification } from './verify-view.js';

export interface VerifyOptions {
  json?: boolean;
  parallel?: number;
  report?: string;
}

export async function verifyAuditChain(ctx: CommandContext, options: VerifyOptions): Promise<void> {
  await runInSelection(ctx, 'audit verify', options, async (environmentCtx) => {
    const config = await environmentCtx.config();
    const environment = config.environment.name ?? DEFAULT_ENVIRONMENT;
    const verification = await withStateStore(environmentCtx, (store) =>
      verifyAudit(store, auditKeyFor(environmentCtx.env, config.environment.name)),
    );
    showVerification(environmentCtx, verification, { json: options.json === true, environment });
    const problem = verification.report.problem;
    if (problem === undefined) return sentNothing('verified');
    return { ...sentNothing('verified'), succeeded: false, outcome: 'failed', errors: [problem.message] };
  });
}
