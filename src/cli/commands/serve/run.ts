// What `cxone-exports serve` does when it runs: resolves the flags, the callback secrets and the TLS files,
// then runs the receive-callbacks operation until told to stop.

import { resolve } from 'node:path';
import { runIdentity } from '../../../audit/run-identity.js';
import { UsageError } from '../../../errors.js';
import { receiveCallbacks } from '../../../operations/receive-callbacks.js';
import type { ReceiveTenant } from '../../../operations/receive-callbacks.js';
import type { ProjectConfig } from '../../../config/project-config.js';
import type { StateStore } from '../../../state/state-store.js';
import { callbackAuthFor } from '../../callback-secrets.js';
import { registerSecret } from '../../../redaction.js';
import type { CommandContext } from '../../command-context.js';
import { lockTimeoutMs, parseDuration } from '../../durations.js';
import { onInterrupt } from '../../signal-handlers.js';
import { receiveView } from './view.js';
import { withStateStoreOf } from '../../with-state-store.js';
import { fsPromises } from '../../../on-first-use.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  metricsHost?: string;
  metricsPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureNoAuth?: boolean;
  publicStatusPage?: boolean;
  lockTimeout: string;
  shutdownTimeout: string;
}

export async function serve(ctx: CommandContext, options: ServeOptions): Promise<void> {
  const top = await ctx.config();
  // One listener for the one --env names, or for every environment of a selection: each keeps its own state.
  const selected = await ctx.selection();
  const configs = selected === undefined ? [top] : await Promise.all(selected.map((name) => ctx.configFor(name)));
  const host = options.host ?? configs[0]!.callbacks.host;
  const port = options.port ?? configs[0]!.callbacks.port;
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined))
    throw new UsageError('--tls-cert and --tls-key go together', {
      hint: 'Pass both files for HTTPS, or neither for plain HTTP behind a reverse proxy.',
    });
  const tls =
    options.tlsCert === undefined
      ? undefined
      : {
          cert: await readTlsFile(ctx, options.tlsCert, '--tls-cert'),
          key: await readTlsFile(ctx, options.tlsKey!, '--tls-key'),
        };
  const tenantOf = (config: ProjectConfig, store: StateStore): ReceiveTenant => ({
    store,
    path: config.callbacks.path,
    auth: callbackAuthFor(ctx.env, config.environment.names.length === 0 ? undefined : config.environment.name),
    identity: runIdentity(ctx.env, config.rootDir, config.environment.name),
    staleGraceMs: config.limits.staleGraceMs,
    pageUrl: config.callbacks.pageUrl,
  });
  await withStateStores(ctx, configs, (stores) => {
    const tenants = stores.map((store, index) => tenantOf(configs[index]!, store));
    return receiveCallbacks(
      {
        host,
        port,
        tenants,
        insecureNoAuth: options.insecureNoAuth === true,
        ...(options.publicStatusPage === true ? { publicPages: true } : {}),
        ...(tls === undefined ? {} : { tls }),
        lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
        shutdownTimeoutMs: parseDuration(options.shutdownTimeout, '--shutdown-timeout'),
        metrics: {
          metricsHost: options.metricsHost ?? configs[0]!.callbacks.metricsHost,
          ...optionalPort(options.metricsPort ?? configs[0]!.callbacks.metricsPort),
          ...metricsToken(ctx.env),
        },
      },
      { onInterrupt, clock: ctx.io.clock },
      receiveView(
        ctx,
        tenants.map((tenant) => ({ environment: tenant.identity.environment, auth: tenant.auth })),
      ),
    );
  });
}

/** Opens every config's state, runs `work` on them, and closes them all, whatever happens. */
function withStateStores<T>(
  ctx: CommandContext,
  configs: readonly ProjectConfig[],
  work: (stores: StateStore[]) => Promise<T>,
  opened: StateStore[] = [],
): Promise<T> {
  if (opened.length === configs.length) return work(opened);
  return withStateStoreOf(ctx, configs[opened.length]!, (store) =>
    withStateStores(ctx, configs, work, [...opened, store]),
  );
}

function optionalPort(port: number | undefined): { metricsPort?: number } {
  return port === undefined ? {} : { metricsPort: port };
}

/** The bearer token /metrics asks for, from the environment; registered for redaction. */
function metricsToken(env: CommandContext['env']): { token?: string } {
  const token = env.CXONE_METRICS_TOKEN;
  if (token === undefined || token === '') return {};
  registerSecret(token);
  return { token };
}

async function readTlsFile(ctx: CommandContext, path: string, flag: string): Promise<Buffer> {
  try {
    return await fsPromises().readFile(resolve(ctx.cwd, path));
  } catch (error) {
    throw new UsageError(`${flag} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: `Check the path given to ${flag}.`,
    });
  }
}
