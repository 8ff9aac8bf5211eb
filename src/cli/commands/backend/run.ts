// What `cxone-exports backend init` does when it runs: sets up the backend's storage, or prints its SQL.

import { schemaSql } from '../../../state/pg/pg-schema.js';
import { setsUp } from '../../../state/state-store.js';
import type { CommandContext } from '../../command-context.js';
import { withStateStore } from '../../with-state-store.js';
import { backendInitView } from './view.js';

export async function initBackend(ctx: CommandContext, options: { printSql?: boolean }): Promise<void> {
  const config = await ctx.config();
  const view = backendInitView(ctx);
  if (options.printSql === true) {
    view.sql(schemaSql(config.backend.type === 'pg' ? config.backend.schema : 'cxone_exports'));
    return;
  }
  await withStateStore(ctx, async (store) => {
    if (!setsUp(store)) {
      view.needsNoSetUp(config.backend.type, store.location);
      return;
    }
    const { created } = await store.setUp();
    view.setUp(created, store.location);
  });
}
