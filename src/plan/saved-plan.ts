// Saved plans (`plan --out FILE`): the plan plus what apply needs to refuse a stale one, sealed with a checksum
// so an edited file is refused too.

import { canonicalJson } from '../definitions/canonical-json.js';
import type { ExportDefinition } from '../definitions/export-definition.js';
import { UsageError } from '../errors.js';
import type { StateSnapshot } from '../state/state-store.js';
import type { State } from '../state/state-model.js';
import { planDifference } from './plan-difference.js';
import { PLAN_FORMAT_VERSION, SUBMITTING_ACTIONS } from './plan-model.js';
import type { Plan, PlannedChange } from './plan-model.js';
import { crypto } from '../on-first-use.js';

/** Where a saved plan was made, and so the only place it applies (Terraform binds a plan to its workspace). */
export interface PlanBinding {
  /** The environment it was made for; null for a config that defines none. */
  environment: string | null;
  /** The CXone API its submissions go to. */
  apiUrl: string;
  /** The tenant the environment names, if it names one. */
  tenantId: string | null;
  /** The state it was planned against: its backend and location (`local .cxone-exports/sandbox`, `pg …`). */
  backend: string;
}

export interface SavedPlan extends Plan, PlanBinding {
  toolVersion: string;
  /** False when the plan was made with no state stored at all. */
  stateExisted: boolean;
  /** Every definition's hash when the plan was made, to notice an edit since. */
  definitionHashes: Record<string, string>;
  /**
   * A digest of each state entry the plan sends for (creates, updates, replaces, retries, runs), or null where
   * the state had none: any change to one since makes the plan stale, so one reviewed intent is sent once.
   */
  touchedEntries: Record<string, string | null>;
  options: { targets: string[]; replace: string[] };
  /** sha256 over the canonical JSON of everything else. */
  checksum: string;
}

export interface SealInputs {
  binding: PlanBinding;
  stateExisted: boolean;
  /** The state the plan was made against. */
  state: State;
  definitions: readonly ExportDefinition[];
  targets: readonly string[];
  replace: readonly string[];
  toolVersion: string;
}

export function sealPlan(plan: Plan, inputs: SealInputs): SavedPlan {
  const unsealed: Omit<SavedPlan, 'checksum'> = {
    ...plan,
    ...inputs.binding,
    toolVersion: inputs.toolVersion,
    stateExisted: inputs.stateExisted,
    definitionHashes: Object.fromEntries(
      [...inputs.definitions]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((d): [string, string] => [d.name, d.definitionHash]),
    ),
    touchedEntries: Object.fromEntries(
      plan.changes
        .filter((change) => SUBMITTING_ACTIONS.includes(change.action))
        .map((change): [string, string | null] => [change.name, entryDigest(inputs.state, change.name)]),
    ),
    options: { targets: [...inputs.targets], replace: [...inputs.replace] },
  };
  return { ...unsealed, checksum: checksumOf(unsealed) };
}

/** The digest of a state entry as it is stored, or null when the state has none by that name. */
function entryDigest(state: State, name: string): string | null {
  const entry = state.exports[name];
  if (entry === undefined) return null;
  return `sha256:${crypto().createHash('sha256').update(canonicalJson(entry)).digest('hex')}`;
}

function checksumOf(unsealed: Omit<SavedPlan, 'checksum'>): string {
  return `sha256:${crypto().createHash('sha256').update(canonicalJson(unsealed)).digest('hex')}`;
}

export function serializeSavedPlan(saved: SavedPlan): string {
  return `${JSON.stringify(saved, null, 2)}\n`;
}

/** Parses a plan file and checks its format and integrity; every refusal names the file and what to do. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  const remake = `Make a new one: cxone-exports plan --out ${file}`;
  let data: Partial<SavedPlan>;
  try {
    data = JSON.parse(text) as Partial<SavedPlan>;
  } catch (error) {
    throw new UsageError(`${file} is not a plan file: ${(error as Error).message}`, { hint: remake });
  }
  if (data === null || typeof data !== 'object' || typeof data.checksum !== 'string' || !Array.isArray(data.changes)) {
    throw new UsageError(`${file} is not a saved cxone-exports plan (no checksum or changes)`, { hint: remake });
  }
  if (data.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new UsageError(
      `${file} has plan format ${String(data.formatVersion)}; this cxone-exports reads ${PLAN_FORMAT_VERSION}`,
      { hint: remake },
    );
  }
  const missing = missingFields(data);
  if (missing.length > 0) {
    throw new UsageError(
      `${file} is not a complete saved plan: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing or of the wrong type`,
      { hint: remake },
    );
  }
  const { checksum, ...unsealed } = data as SavedPlan;
  if (checksumOf(unsealed) !== checksum) {
    throw new UsageError(
      `${file} was modified after it was written (its checksum does not match), so it is not applied`,
      { hint: remake },
    );
  }
  return data as SavedPlan;
}

/** The fields apply relies on that are absent or of the wrong type. */
function missingFields(data: Partial<SavedPlan>): string[] {
  const isRecord = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  const nullableString = (value: unknown) => value === null || typeof value === 'string';
  const checks: [string, boolean][] = [
    ['environment', nullableString(data.environment)],
    ['apiUrl', typeof data.apiUrl === 'string'],
    ['tenantId', nullableString(data.tenantId)],
    ['backend', typeof data.backend === 'string'],
    ['lineage', typeof data.lineage === 'string'],
    ['serial', Number.isInteger(data.serial)],
    ['stateExisted', typeof data.stateExisted === 'boolean'],
    [
      'definitionHashes',
      isRecord(data.definitionHashes) && Object.values(data.definitionHashes!).every((h) => typeof h === 'string'),
    ],
    [
      'touchedEntries',
      isRecord(data.touchedEntries) &&
        Object.values(data.touchedEntries!).every((digest) => digest === null || typeof digest === 'string'),
    ],
    ['options', isRecord(data.options) && Array.isArray(data.options!.targets) && Array.isArray(data.options!.replace)],
    ['summary', isRecord(data.summary)],
    [
      'changes[].name, action and dataActionId',
      data.changes!.every(
        (c) =>
          isRecord(c) &&
          typeof c.name === 'string' &&
          typeof c.action === 'string' &&
          typeof c.dataActionId === 'string',
      ),
    ],
  ];
  return checks.filter(([, ok]) => !ok).map(([field]) => field);
}

/**
 * Refuses a saved plan anywhere but where it was made: another environment (or none named), another API, tenant or
 * state. Checked before any lock or request; the environment first, since it explains the rest.
 */
export function checkBinding(saved: SavedPlan, here: PlanBinding, file: string): void {
  const made = saved.environment;
  const apply = (environment: string | null) =>
    `cxone-exports ${environment === null ? '' : `--env ${environment} `}apply ${file}`;
  if (made !== here.environment) {
    throw new UsageError(
      made === null
        ? `this plan was made for a config without environments, and this is ${here.environment ?? 'no environment'}; ${file} is not applied`
        : here.environment === null
          ? `this plan was made for ${made}, and no environment was named; ${file} is not applied`
          : `this plan was made for ${made}, not ${here.environment}; ${file} is not applied, and nothing was locked or sent`,
      {
        hint:
          made === null
            ? `Make a plan in the environment to apply: cxone-exports --env ${here.environment ?? 'NAME'} plan --out ${file}`
            : `Apply it where it was made: ${apply(made)}${
                here.environment === null
                  ? ''
                  : `
Or plan ${here.environment} itself: cxone-exports --env ${here.environment} plan --out ${file}`
              }`,
      },
    );
  }
  const moved: string[] = [];
  if (saved.apiUrl !== here.apiUrl) moved.push(`the API is ${here.apiUrl}, not ${saved.apiUrl}`);
  if (saved.tenantId !== here.tenantId)
    moved.push(`the tenant is ${here.tenantId ?? 'not named'}, not ${saved.tenantId ?? 'unnamed'}`);
  if (saved.backend !== here.backend) moved.push(`the state is ${here.backend}, not ${saved.backend}`);
  if (moved.length > 0)
    throw new UsageError(
      `this plan was made for ${made ?? 'this config'} elsewhere: ${moved.join('; ')}; ${file} is not applied, and nothing was locked or sent`,
      {
        hint: `Make the plan where it is applied: cxone-exports ${made === null ? '' : `--env ${made} `}plan --out ${file}`,
      },
    );
}

/** Why a saved plan no longer describes what apply would do; empty when it still does. */
export function staleReasons(
  saved: SavedPlan,
  now: { snapshot: StateSnapshot; definitions: readonly ExportDefinition[]; plan?: Plan },
): string[] {
  const reasons: string[] = [];
  const { state, exists } = now.snapshot;
  if (!saved.stateExisted) {
    // Terraform's issue 24078: a plan made against no state must not apply over a state created since.
    if (exists)
      reasons.push(`the plan was made when there was no state, and a state now exists (serial ${state.serial})`);
  } else if (!exists) {
    reasons.push('the plan was made against a stored state, and there is no state now');
  } else if (state.lineage !== saved.lineage) {
    reasons.push(`the state has another lineage (${saved.lineage} → ${state.lineage})`);
  } else if (state.serial !== saved.serial) {
    // A commit to what the plan does not touch (a callback recorded for another export) leaves it as it was:
    // with the plan the state gives now (made with the saved plan's own options), only a change to what it does
    // makes it stale.
    const moved = `the state moved on (serial ${saved.serial} → ${state.serial})`;
    const changed = now.plan === undefined ? '' : planDifference(saved, now.plan);
    if (changed === '') reasons.push(moved);
    else if (changed !== undefined) reasons.push(`${moved} and the plan changed: ${changed}`);
  }
  // An entry the plan sends for that changed since (a callback, another apply, a replace): the plan is stale even
  // when it recomputes the same, so a reviewed --replace is sent once, not once per apply of the file.
  if (exists && state.lineage === saved.lineage)
    for (const [name, digest] of Object.entries(saved.touchedEntries))
      if (entryDigest(state, name) !== digest)
        reasons.push(
          digest === null
            ? `export ${name} was recorded in the state since the plan was made`
            : `export ${name} changed in the state since the plan was made (its last execution ${state.exports[name]?.lastExecution?.executionId ?? 'is gone'})`,
        );
  const current = new Map(now.definitions.map((d) => [d.name, d.definitionHash]));
  for (const [name, hash] of Object.entries(saved.definitionHashes)) {
    const nowHash = current.get(name);
    if (nowHash === undefined) reasons.push(`export ${name} was removed from the files`);
    else if (nowHash !== hash) reasons.push(`export ${name} was edited`);
  }
  for (const name of current.keys()) if (!(name in saved.definitionHashes)) reasons.push(`export ${name} was added`);
  // A plan resealed by hand could name an export the files never held; nothing is applied for it.
  for (const change of saved.changes) {
    if (change.action !== 'forget' && !current.has(change.name) && saved.definitionHashes[change.name] === undefined)
      reasons.push(`the plan names export ${change.name}, which no definition holds`);
  }
  if (now.plan !== undefined) reasons.push(...scheduleStaleness(saved, now.plan));
  return reasons;
}

/**
 * How a saved plan's changes differ from the plan computed now, export by export; empty when they are the same.
 * The file is a review token: whatever it says, apply carries out only what it computes under the lock, and only
 * when that is exactly what the file showed, so an edited and resealed file applies nothing nobody reviewed. A
 * change's source position is left out: a definition moved within its file is the same change.
 */
export function savedPlanDifferences(saved: Plan, now: Plan): string[] {
  const comparable = (change: PlannedChange) => canonicalJson({ ...change, source: undefined });
  const current = new Map(now.changes.map((change) => [change.name, change]));
  const differences: string[] = [];
  for (const was of saved.changes) {
    const is = current.get(was.name);
    current.delete(was.name);
    if (is === undefined) differences.push(`export ${was.name} is ${was.action} in the file and not in the plan now`);
    else if (is.action !== was.action)
      differences.push(`export ${was.name} is ${was.action} in the file, ${is.action} in the plan now`);
    else if (comparable(is) !== comparable(was)) {
      const fields = Object.keys({ ...was, ...is }).filter(
        (key) =>
          key !== 'source' &&
          canonicalJson((was as unknown as Record<string, unknown>)[key] ?? null) !==
            canonicalJson((is as unknown as Record<string, unknown>)[key] ?? null),
      );
      differences.push(`export ${was.name} (${was.action}) differs from the plan now in ${fields.join(', ')}`);
    }
  }
  for (const is of current.values())
    differences.push(`export ${is.name} is ${is.action} in the plan now and not in the file`);
  return differences;
}

/**
 * Scheduled runs the saved plan would submit that are no longer due (or due for another tick), and runs that
 * became due since, among the exports it covers: time moved on, and the plan with it.
 */
function scheduleStaleness(saved: Plan, now: Plan): string[] {
  const current = new Map(now.changes.map((change) => [change.name, change]));
  const reasons: string[] = [];
  for (const was of saved.changes) {
    const is = current.get(was.name);
    if (is === undefined) continue;
    if (was.action === 'run' && (is.action !== 'run' || is.schedule?.tick !== was.schedule?.tick)) {
      reasons.push(
        is.action === 'run'
          ? `export ${was.name} is now due for the tick ${is.schedule?.tick ?? '?'}, not ${was.schedule?.tick ?? '?'}`
          : `the scheduled run of export ${was.name} (tick ${was.schedule?.tick ?? '?'}) is no longer due (${is.reason})`,
      );
    } else if (is.action === 'run' && was.action === 'no-op') {
      reasons.push(`export ${was.name} became due since (tick ${is.schedule?.tick ?? '?'})`);
    }
  }
  return reasons;
}
