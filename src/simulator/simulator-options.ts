// What the simulator can be told: who may authenticate, which data actions exist, and which faults to inject.

import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';

export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
  accessKeyId: string;
  accessKeySecret: string;
}

/** Demo credentials, printed by `cxone-exports sim`. They open nothing but the simulator. */
export const DEMO_CREDENTIALS: SimulatorCredentials = {
  clientId: 'sim-client',
  clientSecret: 'sim-client-secret-demo-only',
  accessKeyId: 'SIMACCESSKEYDEMO',
  accessKeySecret: 'sim-access-key-secret-demo-only==',
};

export const REQUIRED_SCOPES = ['dataprep:dataactions:read', 'dataprep:dataactions:write'];

export interface FaultSettings {
  /** The tenant quota: requests per second with a burst, answered 429 beyond it. */
  rateLimit?: { requestsPerSecond: number; burst?: number; retryAfter?: 'seconds' | 'date' | 'none' };
  /** 5xx answers: for the first N API requests, and/or at random with this probability. */
  serverErrors?: { first?: number; rate?: number; status?: number };
  /** Added to every API request before it is answered. */
  latencyMs?: number;
  /** Connections destroyed without an answer: the first N API requests and/or at random. */
  drops?: { first?: number; rate?: number };
}

export interface LifecycleSettings {
  /** Every execution takes at least this long. */
  minDurationMs: number;
  /** And this much longer per million maxRows. */
  msPerMillionRows: number;
  /** Probability that an execution ends `failed`. */
  failureRate: number;
  /** Data actions whose executions always end `failed` (an export broken in CXone). */
  failingDataActions?: string[];
}

export interface SimulatorOptions {
  host: string;
  port: number;
  credentials: SimulatorCredentials;
  /** Scopes granted to the client; without the required ones, API calls answer 401. */
  clientScopes: string[];
  tokenTtlSeconds: number;
  unknownDataActions: string[];
  forbiddenDataActions: string[];
  /** Dataset ids that are not active in Data Prep: a submission naming one answers 400 (field datasetId). */
  unknownDatasets: string[];
  /** false makes the status endpoint answer 405, as an API without it would. */
  statusEndpoint: boolean;
  faults: FaultSettings;
  lifecycle: LifecycleSettings;
  /** Signs completion callbacks (X-CXone-Signature) when set. */
  callbackSecret: string | undefined;
  seed: number;
  idempotencyTtlMs: number;
  /** The tenant this simulator stands for: the claim its tokens carry. Two simulators are two tenants. */
  tenantId: string;
  /**
   * Told of each valid submission when it arrives and again once its execution exists, before the answer is
   * sent; may hold the answer while it runs. 'drop' on arrival cuts the connection and creates nothing. Tests use
   * it to kill a client at an exact point of the exchange, as a crash or a lost network would.
   */
  onSubmission?: (submission: SubmissionEvent) => Promise<'drop' | undefined> | undefined;
  /** Its time: token expiry, Retry-After, idempotency keys, execution times, callback signatures. */
  clock: Clock;
  /**
   * When set, the control routes (/_sim/…) answer a peer beyond loopback only with this bearer token: for a
   * simulator bound beyond loopback, where anyone could reset it or finish its executions.
   */
  controlToken?: string;
}

export interface SubmissionEvent {
  phase: 'received' | 'created';
  dataActionId: string;
  datasetId: string;
  /** As received, token and all: only the in-process hook sees it, never the records. */
  callbackUrl?: string;
}

export function simulatorOptions(overrides: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    credentials: DEMO_CREDENTIALS,
    clientScopes: REQUIRED_SCOPES,
    tokenTtlSeconds: 3600,
    unknownDataActions: [],
    forbiddenDataActions: [],
    unknownDatasets: [],
    statusEndpoint: true,
    faults: {},
    lifecycle: { minDurationMs: 200, msPerMillionRows: 1000, failureRate: 0 },
    callbackSecret: undefined,
    seed: 1,
    idempotencyTtlMs: 24 * 60 * 60 * 1000,
    clock: systemClock,
    tenantId: 'tenant-sim',
    ...overrides,
  };
}
