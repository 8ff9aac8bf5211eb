// What `cxone-exports audit verify` prints: a verdict with the number of lines checked, or the first place the
// chain breaks and what does not match; with --json, one object a CI step can read.

import type { AuditVerification } from '../../../operations/verify-audit.js';
import type { CommandContext } from '../../command-context.js';

export function showVerification(
  ctx: Pick<CommandContext, 'logger' | 'colors'>,
  verification: AuditVerification,
  options: { json: boolean; environment: string },
): void {
  const { report, location } = verification;
  if (options.json) {
    ctx.logger.out(
      JSON.stringify({
        type: 'audit_verify',
        environment: options.environment,
        location,
        valid: report.problem === undefined,
        linesChecked: report.lines,
        unchained: report.unchained,
        uncovered: report.uncovered,
        last: report.last ?? null,
        signature: report.signed,
        problem: report.problem ?? null,
      }),
    );
    return;
  }
  const unit = verification.unit === 'line' ? 'line' : 'event';
  const counted = `${report.lines.toLocaleString('en-US')} ${unit}${report.lines === 1 ? '' : 's'} checked`;
  if (report.problem !== undefined) {
    ctx.logger.out(`${ctx.colors.red('✗')} ${location}: the audit chain is broken (${counted}).`);
    ctx.logger.out(`  ${report.problem.message}.`);
    return;
  }
  const parts = [`${ctx.colors.green('✓')} ${location}: the audit chain holds, ${counted}`];
  if (report.last !== undefined && verification.headRecorded)
    parts.push(
      `; the tail matches the head the state records${report.signed === 'checked' ? ', signed with the key' : ''}`,
    );
  ctx.logger.out(`${parts.join('')}.`);
  if (report.unchained > 0)
    ctx.logger.out(
      `  The first ${report.unchained.toLocaleString('en-US')} ${unit}${report.unchained === 1 ? ' was' : 's were'} written before the chain (an older cxone-exports): unchained, not judged.`,
    );
  if (report.uncovered > 0)
    ctx.logger.out(
      `  The last ${report.uncovered.toLocaleString('en-US')} ${unit}${report.uncovered === 1 ? ' comes' : 's come'} after the head the state records (refused callbacks, or a run stopped before its state write): chained, but a cut among them would not show until the next state write records them.`,
    );
  if (report.signed === 'unchecked')
    ctx.logger.out('  The head is signed; set CXONE_AUDIT_KEY (or the environment’s own) to check the signature.');
  if (report.partialBytes > 0)
    ctx.logger.warn(
      `Warning: the last ${report.partialBytes} bytes of ${location} end without a newline (a write in progress, or torn): left out.`,
    );
}
