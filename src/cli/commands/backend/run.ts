// What `cxone-exports backend init` does when it runs: sets up the backend's storage, or prints its SQL.

import { schemaSql } from '../../../state/pg/pg-schema.js';
import { setsUp } from '../../../state/state-store.js';
import type { CommandContext } from '../../command-context.js';
import { withStateStore } from '../../with-state-store.js';

export async function initBackend(ctx: CommandContext, options: { printSql?: boolean }): Promise<void> {
  const config = await ctx.config();
  if (options.printSql === true) {
    ctx.logger.out(schemaSql(config.backend.type === 'pg' ? config.backend.schema : 'cxone_exports'));
    return;
  }
  await withStateStore(ctx, async (store) => {
    if (!setsUp(store)) {
      ctx.logger.info(`The ${config.backend.type} backend needs no set-up: ${store.location} is made on first use.`);
      return;
    }
    const { created } = await store.setUp();
    ctx.logger.info(`${created ? 'Created' : 'Already set up:'} ${store.location}.`);
  });
}
