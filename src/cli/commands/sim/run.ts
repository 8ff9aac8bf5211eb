// `cxone-exports sim`: the embedded CXone simulator as a process, for demos and users' own dry runs.

import { CxoneSimulator } from '../../../simulator/cxone-simulator.js';
import type { FaultSettings } from '../../../simulator/simulator-options.js';
import type { CommandContext } from '../../command-context.js';
import { onInterrupt } from '../../interrupts.js';
import type { InterruptSignal } from '../../interrupts.js';
import { simView } from './view.js';

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

  const simulator = new CxoneSimulator({
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
  const url = await simulator.start();
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
  );

  const signal = await new Promise<InterruptSignal>((resolve) => onInterrupt(resolve));
  await simulator.stop();
  const record = simulator.record();
  view.stopped(signal, record.requests.length, record.executions.length);
}
