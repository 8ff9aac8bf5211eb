// What `cxone-exports serve` does when it runs: resolves the flags, the callback secrets and the TLS files,
// then runs the receive-callbacks operation until told to stop.

import { resolve } from 'node:path';
import { runIdentity } from '../../../audit/run-identity.js';
import type { CallbackAuthSettings } from '../../../callbacks/callback-auth.js';
import { UsageError } from '../../../errors.js';
import { receiveCallbacks } from '../../../operations/receive-callbacks.js';
import { registerSecret } from '../../../redaction.js';
import type { CommandContext } from '../../command-context.js';
import { lockTimeoutMs, parseDuration } from '../../durations.js';
import { onInterrupt } from '../../signal-handlers.js';
import { receiveView } from './view.js';
import { withStateStore } from '../../with-state-store.js';
import { fsPromises } from '../../../on-first-use.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  metricsHost?: string;
  metricsPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  insecureNoAuth?: boolean;
  lockTimeout: string;
  shutdownTimeout: string;
}

export async function serve(ctx: CommandContext, options: ServeOptions): Promise<void> {
  const config = await ctx.config();
  const host = options.host ?? config.callbacks.host;
  const port = options.port ?? config.callbacks.port;
  const auth = callbackAuth(ctx.env);
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
  await withStateStore(ctx, (store) =>
    receiveCallbacks(
      {
        host,
        port,
        path: config.callbacks.path,
        auth,
        insecureNoAuth: options.insecureNoAuth === true,
        ...(tls === undefined ? {} : { tls }),
        lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
        shutdownTimeoutMs: parseDuration(options.shutdownTimeout, '--shutdown-timeout'),
        identity: runIdentity(ctx.env, config.rootDir, config.environment.name),
        staleGraceMs: config.limits.staleGraceMs,
        metrics: {
          metricsHost: options.metricsHost ?? config.callbacks.metricsHost,
          ...optionalPort(options.metricsPort ?? config.callbacks.metricsPort),
          ...metricsToken(ctx.env),
        },
      },
      { store, onInterrupt, clock: ctx.io.clock },
      receiveView(ctx, auth),
    ),
  );
}

/** HMAC secrets (comma-separated, for rotation) and a ?token=, from the environment; registered for redaction. */
function callbackAuth(env: CommandContext['env']): CallbackAuthSettings {
  const secrets = (env.CXONE_CALLBACK_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const token =
    env.CXONE_CALLBACK_TOKEN === undefined || env.CXONE_CALLBACK_TOKEN === '' ? undefined : env.CXONE_CALLBACK_TOKEN;
  for (const secret of [...secrets, token]) registerSecret(secret);
  return { secrets, token };
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
