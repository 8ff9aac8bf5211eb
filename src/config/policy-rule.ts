// A policy rule as the config writes it (`policies:`; docs/guides/policies.md): a CEL expression over one planned
// change. A hit of a `warn` rule is shown; one of a `deny` rule stops the plan and the apply; one of an `approval`
// rule stops them until a listed approver has approved the pull request.

export type PolicyLevel = 'warn' | 'deny' | 'approval';

export interface PolicyRule {
  name: string;
  description?: string;
  level: PolicyLevel;
  /** approval only: GitHub logins and `@org/team` names, any of whom may approve. */
  approvers?: string[];
  /** The environments it applies in, by name or pattern; every environment when absent. */
  environments?: string[];
  /** A CEL expression over `change`: true is a hit. */
  when: string;
}
