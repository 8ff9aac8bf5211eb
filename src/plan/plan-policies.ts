// The environment's policies compiled once (config/policy-expression.ts) and evaluated over a plan. Fail closed:
// a rule that does not compile is a config error, and one that errors on a change denies it.

import picomatch from 'picomatch';
import { celEnvironment } from '../config/policy-expression.js';
import type { PolicyRule } from '../config/policy-rule.js';
import type { Plan, PolicyHit } from './plan-model.js';
import { policyChange } from './policy-change.js';

/** The changes a rule is asked about: what apply would send, delete or hold back. */
const JUDGED = new Set(['create', 'update', 'resubmit', 'retry', 'run', 'forget', 'blocked']);

export interface CompiledPolicies {
  /** The hits of every rule that applies in `environment`, over every change of the plan. */
  evaluate(plan: Plan, environment: string): PolicyHit[];
}

/** The rules, compiled; the config has already refused any that does not compile. */
export function compilePolicies(rules: readonly PolicyRule[]): CompiledPolicies {
  const env = celEnvironment();
  const compiled = rules.map((rule) => ({
    rule,
    run: env.parse(rule.when),
    appliesIn: rule.environments === undefined ? () => true : picomatch(rule.environments),
  }));
  return {
    evaluate: (plan, environment) => {
      const active = compiled.filter((c) => c.appliesIn(environment));
      if (active.length === 0) return [];
      // Every active rule at once, one list per change: the change is read (and typed) once, not once per rule.
      // When that evaluation fails, each rule is evaluated alone, to say which one failed.
      const all = env.parse(`[${active.map(({ rule }) => `(${rule.when})`).join(', ')}]`);
      const hits: PolicyHit[] = [];
      for (const change of plan.changes) {
        if (!JUDGED.has(change.action)) continue;
        const context = { change: policyChange(change, environment) };
        const base = (rule: PolicyRule): PolicyHit => ({
          policy: rule.name,
          level: rule.level,
          export: change.name,
          environment,
          ...(rule.description === undefined ? {} : { description: rule.description }),
          // Not approved until the pull request's reviews say so (operations/policy-approvals.ts).
          ...(rule.level === 'approval'
            ? { approval: { approvers: [...(rule.approvers ?? [])], approvedBy: null } }
            : {}),
        });
        let verdicts: unknown[] | undefined;
        try {
          verdicts = all(context) as unknown[];
        } catch {
          verdicts = undefined;
        }
        active.forEach(({ rule, run }, index) => {
          if (verdicts !== undefined) {
            if (verdicts[index] === true) hits.push(base(rule));
            return;
          }
          try {
            if (run(context) === true) hits.push(base(rule));
          } catch (error) {
            // A rule that cannot judge the change denies it, an approval rule too: no approval opens it.
            const denied: PolicyHit = { ...base(rule), level: 'deny', error: (error as Error).message.split('\n')[0]! };
            delete denied.approval;
            hits.push(denied);
          }
        });
      }
      return hits;
    },
  };
}
