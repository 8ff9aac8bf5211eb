// What `cxone-exports init` prints: each file it wrote, then the next steps for the set-up chosen.

import type { CommandContext } from '../../command-context.js';

export interface InitSetUp {
  backend: 'local' | 'pg';
  /** The environments set up, in order; empty for a config without environments. */
  environments: readonly string[];
}

export interface InitView {
  wrote(path: string, how: 'created' | 'updated'): void;
  /** `where` is the directory set up, relative to the shell's, or '' for the shell's own. */
  nextSteps(where: string, setUp: InitSetUp): void;
}

export function initView(ctx: Pick<CommandContext, 'logger'>): InitView {
  return {
    wrote: (path, how) => ctx.logger.info(`  ${how}  ${path}`),
    nextSteps: (where, { backend, environments }) =>
      ctx.logger.info(
        [
          '',
          `Set up cxone-exports in ${where || 'this directory'}. Next:`,
          environments.length > 0
            ? "  1. Set each environment's authUrl and apiUrl in cxone-exports.config.yaml, and replace the ids in exports/example.yaml."
            : '  1. Set authUrl and apiUrl in cxone-exports.config.yaml, and replace the ids in exports/example.yaml.',
          environments.length > 0
            ? '  2. Run: npx cxone-exports validate && npx cxone-exports --env all plan'
            : '  2. Run: npx cxone-exports validate && npx cxone-exports plan',
          environments.length > 0
            ? `  3. In GitHub, create the environments ${listed(environments)}, each with the secrets CXONE_CLIENT_ID and CXONE_CLIENT_SECRET of its tenant${backend === 'pg' ? ' and CXONE_EXPORTS_PG_URL (its database); a pull request plans in each environment too, to read its state, so a required reviewer there approves plans as well' : '; production may require reviewers'}.`
            : backend === 'pg'
              ? '  3. In GitHub, create the environment "production" with the secrets CXONE_CLIENT_ID, CXONE_CLIENT_SECRET and CXONE_EXPORTS_PG_URL (the apply role), and a repository secret CXONE_EXPORTS_PG_URL (the plan role).'
              : '  3. In GitHub, create the environment "production" with the secrets CXONE_CLIENT_ID and CXONE_CLIENT_SECRET.',
          `  4. Create ${environments.length === 0 ? '"production-plan" and "production-schedule"' : `for each of them "<name>-plan" and "<name>-schedule"`} too, without required reviewers: pull-request plans and refreshes run in the first (read-only credentials), the schedule in the second; only apply asks the reviewers of ${environments.length === 0 ? '"production"' : "the tenant's own environment"}.`,
          backend === 'pg'
            ? 'The guide docs/guides/state-backends.md gives the roles to create and their grants.'
            : 'The guide docs/guides/github.md explains branch protection and the commit-back.',
        ].join('\n'),
      ),
  };
}

/** "a" and "b", or "a", "b" and "c". */
function listed(names: readonly string[]): string {
  const quoted = names.map((name) => `"${name}"`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)!}`;
}
