// What `plan` does, and the planning `apply` does before it locks: read the state (no lock), read the
// environment this one is promoted from, and plan at the clock's time. The view shows the result; the command
// saves it when asked.

import type { Clock } from '../clock.js';
import type { ExportDefinition } from '../definitions/export-definition.js';
import { planChanges } from '../plan/plan-changes.js';
import type { Promotion } from '../plan/plan-changes.js';
import type { Plan } from '../plan/plan-model.js';
import { promotionFrom } from '../plan/promotion.js';
import type { State } from '../state/state-model.js';
import type { StateStore } from '../state/state-store.js';

/** The environment this one is promoted from: its own merged definitions, and its state (read, never locked). */
export interface PromotionSource {
  environment: string;
  definitions: readonly ExportDefinition[];
  store: Pick<StateStore, 'read'>;
}

export interface PlanSelection {
  /** Limit the plan to these exports (names or globs). */
  targets: readonly string[];
  /** Submit these even when nothing changed (names or globs). */
  replace: readonly string[];
  /** Only the due runs of applied definitions (`--schedule-only`); every other change waits for a reviewed apply. */
  scheduleOnly?: boolean;
}

export interface PlanRequest extends PlanSelection {
  definitions: readonly ExportDefinition[];
  /** The instant schedules are judged at (`plan --at`, ISO 8601); the clock's now when absent. */
  at?: string;
  /** --ignore-promotion: plan past the gate, and say so. */
  ignorePromotion: boolean;
}

export interface PlanEnvironment {
  store: Pick<StateStore, 'read'>;
  clock: Clock;
  promotionSource?: PromotionSource;
}

export interface PlanResult {
  plan: Plan;
  /** Whether the state had been written before (a saved plan records it). */
  stateExisted: boolean;
  /** The state the plan was made against (a saved plan records what it touches of it). */
  state: State;
}

export async function runPlan(request: PlanRequest, env: PlanEnvironment): Promise<PlanResult> {
  const snapshot = await env.store.read();
  const promotion = await readPromotion(env.promotionSource, request.ignorePromotion);
  const plan = planAt(request.definitions, snapshot.state, request, env.clock, promotion, request.at);
  return { plan, stateExisted: snapshot.exists, state: snapshot.state };
}

/** The promotion gate's input, when the environment is promoted from another. */
export async function readPromotion(
  source: PromotionSource | undefined,
  ignore: boolean,
): Promise<Promotion | undefined> {
  if (source === undefined) return undefined;
  const { state } = await source.store.read();
  return promotionFrom(source.environment, source.definitions, state, ignore);
}

/** The plan of `definitions` against `state`, made now by `clock` (schedules judged `at`, when given). */
export function planAt(
  definitions: readonly ExportDefinition[],
  state: State,
  selection: PlanSelection,
  clock: Clock,
  promotion: Promotion | undefined,
  at?: string,
): Plan {
  return planChanges(definitions, state, {
    createdAt: new Date(clock.now()).toISOString(),
    ...(at === undefined ? {} : { at }),
    targets: [...selection.targets],
    replace: [...selection.replace],
    ...(selection.scheduleOnly === true ? { scheduleOnly: true } : {}),
    ...(promotion === undefined ? {} : { promotion }),
  });
}
