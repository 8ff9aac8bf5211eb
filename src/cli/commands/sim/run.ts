// `cxone-exports sim`: the embedded CXone simulator as a process, for demos and users' own dry runs.

import { isLoopbackHost } from '../../../contract/callback-url.js';
import { ExternalError } from '../../../errors.js';
import { CxoneSimulator } from '../../../simulator/cxone-simulator.js';
import type { SimulatorCredentials } from '../../../simulator/simulator-options.js';
import type { FaultSettings } from '../../../simulator/simulator-options.js';
import type { CommandContext } from '../../command-context.js';
import { onInterrupt } from '../../signal-handlers.js';
import type { InterruptSignal } from '../../signal-handlers.js';
import { simView } from './view.js';
import { crypto } from '../../../on-first-use.js';

export interface SimOptions {
  host: string;
  port: number;
  rateLimit?: number;
  burst?: number;
  retryAfter: 'seconds' | 'date' | 'none';
  failRate?: number;
  failFirst?: number;
  failStatus: number;
  latency?: number;
  dropRate?: number;
  dropFirst?: number;
  tokenTtl: number;
  tenantId: string;
  seed: number;
  forbid: string[];
  unknown: string[];
  unknownDataset: string[];
  statusEndpoint: boolean;
  minDuration: number;
  msPerMillionRows: number;
  executionFailureRate: number;
}

export async function simulate(ctx: CommandContext, options: SimOptions): Promise<void> {
  const faults: FaultSettings = {};
  if (options.rateLimit !== undefined)
    faults.rateLimit = {
      requestsPerSecond: options.rateLimit,
      ...(options.burst === undefined ? {} : { burst: options.burst }),
      retryAfter: options.retryAfter,
    };
  if (options.failRate !== undefined || options.failFirst !== undefined)
    faults.serverErrors = { rate: options.failRate ?? 0, first: options.failFirst ?? 0, status: options.failStatus };
  if (options.latency !== undefined) faults.latencyMs = options.latency;
  if (options.dropRate !== undefined || options.dropFirst !== undefined)
    faults.drops = { rate: options.dropRate ?? 0, first: options.dropFirst ?? 0 };
  const callbackSecret = ctx.env.CXONE_CALLBACK_SECRET?.split(',')[0]?.trim() || undefined;
  // Beyond loopback anyone may reach it: the demo credentials are public, so it makes its own, and its control
  // routes ask peers beyond loopback for a token of its own.
  const exposed = !isLoopbackHost(options.host);
  const guarded = exposed ? { credentials: randomCredentials(), controlToken: randomToken() } : {};

  const simulator = new CxoneSimulator({
    ...guarded,
    host: options.host,
    port: options.port,
    tokenTtlSeconds: options.tokenTtl,
    tenantId: options.tenantId,
    seed: options.seed,
    faults,
    forbiddenDataActions: options.forbid,
    unknownDataActions: options.unknown,
    unknownDatasets: options.unknownDataset,
    statusEndpoint: options.statusEndpoint,
    lifecycle: {
      minDurationMs: options.minDuration,
      msPerMillionRows: options.msPerMillionRows,
      failureRate: options.executionFailureRate,
    },
    callbackSecret,
  });
  // With --env, the variables the config reads that environment's credentials from, so two local tenants
  // (a simulator each) can be told apart; without it, the names of a config without environments.
  const config = ctx.environmentChoice === undefined ? undefined : await ctx.config();
  const names = config?.environment.credentialVariables ?? {
    clientId: 'CXONE_CLIENT_ID',
    clientSecret: 'CXONE_CLIENT_SECRET',
    accessKeyId: 'CXONE_ACCESS_KEY_ID',
    accessKeySecret: 'CXONE_ACCESS_KEY_SECRET',
  };
  const url = await startListening(simulator, options);
  const { credentials } = simulator.options;
  const view = simView(ctx);
  view.listening(
    {
      url,
      credentials: [
        [names.clientId, credentials.clientId],
        [names.clientSecret, credentials.clientSecret],
        [names.accessKeyId, credentials.accessKeyId],
        [names.accessKeySecret, credentials.accessKeySecret],
      ],
    },
    callbackSecret !== undefined,
    guarded.controlToken,
  );

  const signal = await new Promise<InterruptSignal>((resolve) => onInterrupt(resolve));
  await simulator.stop();
  const record = simulator.record();
  view.stopped(signal, record.requests.length, record.executions.length);
}

/** Starts the simulator; an address it cannot listen on is a one-line error, not a crash. */
async function startListening(simulator: CxoneSimulator, options: SimOptions): Promise<string> {
  try {
    return await simulator.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.host}:${options.port}`;
    if (code === 'EADDRINUSE')
      throw new ExternalError(`cannot listen on ${where}: the port is in use (pick another with --port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new ExternalError(`cannot listen on ${where}: ${options.host} is not an address of this machine`);
    if (code === 'EACCES')
      throw new ExternalError(`cannot listen on ${where}: not allowed (ports below 1024 need root)`);
    throw error;
  }
}

function randomToken(): string {
  return crypto().randomBytes(24).toString('base64url');
}

function randomCredentials(): SimulatorCredentials {
  return {
    clientId: `sim-client-${crypto().randomBytes(4).toString('hex')}`,
    clientSecret: randomToken(),
    accessKeyId: `SIM${crypto().randomBytes(8).toString('hex').toUpperCase()}`,
    accessKeySecret: randomToken(),
  };
}
