// What `cxone-exports backend init` prints: the SQL to run by hand, or what the set-up did.

import type { CommandContext } from '../../command-context.js';

export interface BackendInitView {
  sql(statements: string): void;
  needsNoSetUp(type: string, location: string): void;
  setUp(created: boolean, location: string): void;
}

export function backendInitView(ctx: Pick<CommandContext, 'logger'>): BackendInitView {
  return {
    sql: (statements) => ctx.logger.out(statements),
    needsNoSetUp: (type, location) =>
      ctx.logger.info(`The ${type} backend needs no set-up: ${location} is made on first use.`),
    setUp: (created, location) => ctx.logger.info(`${created ? 'Created' : 'Already set up:'} ${location}.`),
  };
}
