// Approval rules settled: each approval hit gets who approved it (the pull request's reviews, read from GitHub),
// or why that cannot be known, or the override `apply --override-policy NAME --reason TEXT` gave it. A deny has
// no override, and an approval nobody gave stops the apply.

import { UsageError } from '../errors.js';
import type { PullRequestReviews } from '../github/pull-request-reviews.js';
import type { Plan, PolicyHit } from '../plan/plan-model.js';
import type { PolicyRule } from '../config/policy-rule.js';

/** `--override-policy NAME --reason TEXT`, and who ran it. */
export interface PolicyOverride {
  policy: string;
  reason: string;
  actor: string;
}

/** The plan with its approval hits settled: approved, missing (and why), or overridden. */
export async function settleApprovals(
  plan: Plan,
  reviews: PullRequestReviews | undefined,
  override: PolicyOverride | undefined,
): Promise<Plan> {
  const hits = plan.policyHits;
  if (hits === undefined || !hits.some((hit) => hit.level === 'approval')) return plan;
  const settled: PolicyHit[] = [];
  for (const hit of hits) {
    if (hit.level !== 'approval' || hit.approval === undefined) {
      settled.push(hit);
      continue;
    }
    if (override !== undefined && override.policy === hit.policy) {
      settled.push({
        ...hit,
        approval: { ...hit.approval, overriddenBy: { actor: override.actor, reason: override.reason } },
      });
      continue;
    }
    const lookup =
      reviews === undefined
        ? { missing: 'no pull request reviews to read' }
        : await reviews.approvedBy(hit.approval.approvers);
    settled.push({
      ...hit,
      approval:
        'missing' in lookup
          ? { ...hit.approval, missing: lookup.missing }
          : { ...hit.approval, approvedBy: lookup.approvedBy },
    });
  }
  return { ...plan, policyHits: settled };
}

/** An override must name an approval rule of the config: a deny has none, and a typo must not pass silently. */
export function checkOverride(
  override: Pick<PolicyOverride, 'policy'> | undefined,
  rules: readonly { name: string; level: string }[],
): void {
  if (override === undefined) return;
  const rule = rules.find((each) => each.name === override.policy);
  if (rule === undefined)
    throw new UsageError(`--override-policy ${override.policy} names no policy of this environment`, {
      hint: `It has ${rules.map((each) => each.name).join(', ') || 'none'}.`,
    });
  if (rule.level !== 'approval')
    throw new UsageError(`--override-policy ${override.policy}: a ${rule.level} rule cannot be overridden`, {
      hint: 'Only approval rules have an override. Change the definitions, or the rule in a reviewed pull request.',
    });
}

/**
 * The environment's policies as one judge of plans, approvals settled (and the override applied), or undefined
 * when the environment has none. The evaluator is loaded only then, so a config without policies plans and
 * applies as fast as before; plan and apply judge alike.
 */
export async function policyJudge(
  policies: readonly PolicyRule[],
  environment: string,
  reviews: PullRequestReviews | undefined,
  override?: PolicyOverride,
): Promise<((plan: Plan) => Promise<Plan>) | undefined> {
  if (policies.length === 0) return undefined;
  const { compilePolicies } = await import('../plan/plan-policies.js');
  const compiled = compilePolicies(policies);
  return (plan) => settleApprovals({ ...plan, policyHits: compiled.evaluate(plan, environment) }, reviews, override);
}
