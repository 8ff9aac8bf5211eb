// What the simulator saw and did, exposed at GET /_sim/executions so tests assert on what CXone would have
// received: count, order, headers, bodies and timing per data action.

import type { CxoneStatus } from '../contract/execution-status.js';

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  /** Lower-case names. Authorization is masked: tests learn that a bearer token came, not which. */
  headers: Record<string, string>;
  /** Parsed JSON when it parses; token requests keep only their non-secret fields. */
  body: unknown;
  dataActionId: string | undefined;
  /** Epoch milliseconds, fractional. */
  receivedAt: number;
  respondedAt: number | undefined;
  /** The status answered, or `dropped`. */
  status: number | 'dropped' | undefined;
}

export interface CallbackDelivery {
  url: string;
  attempts: number;
  status: number | undefined;
  error: string | undefined;
  signed: boolean;
  skipped: string | undefined;
  /** The simulator has stopped trying: an answer below 500, a skip, or every attempt used. */
  settled: boolean;
}

export interface SimulatedExecution {
  executionId: string;
  dataActionId: string;
  datasetId: string;
  idempotencyKey: string | undefined;
  payload: unknown;
  status: CxoneStatus;
  createdAt: string;
  startTime: string | undefined;
  endTime: string | undefined;
  rowsExported: number | undefined;
  callbackUrl: string | undefined;
  callback: CallbackDelivery | undefined;
}

export interface SimulatorRecord {
  requests: RecordedRequest[];
  executions: SimulatedExecution[];
  tokensIssued: number;
}

/** A URL with its ?token= value masked, as Authorization headers are: a record never holds the callback token. */
export function maskedToken(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1***');
}

/** The record as it may be shown: callback URLs masked wherever they appear (the payload, the delivery). */
export function maskedRecord(record: SimulatorRecord): SimulatorRecord {
  const maskPayload = (body: unknown): unknown =>
    body !== null && typeof body === 'object' && typeof (body as { callbackUrl?: unknown }).callbackUrl === 'string'
      ? { ...body, callbackUrl: maskedToken((body as { callbackUrl: string }).callbackUrl) }
      : body;
  return {
    ...record,
    requests: record.requests.map((request) => ({ ...request, body: maskPayload(request.body) })),
    executions: record.executions.map((execution) => ({
      ...execution,
      payload: maskPayload(execution.payload),
      callbackUrl: execution.callbackUrl === undefined ? undefined : maskedToken(execution.callbackUrl),
      callback:
        execution.callback === undefined
          ? undefined
          : { ...execution.callback, url: maskedToken(execution.callback.url) },
    })),
  };
}
