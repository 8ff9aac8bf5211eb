// A policy rule as the config writes it (`policies:`; docs/guides/policies.md): a CEL expression over one planned
// change. A hit of a `warn` rule is shown; one of a `deny` rule stops the plan and the apply.

export type PolicyLevel = 'warn' | 'deny';

export interface PolicyRule {
  name: string;
  description?: string;
  level: PolicyLevel;
  /** The environments it applies in, by name or pattern; every environment when absent. */
  environments?: string[];
  /** A CEL expression over `change`: true is a hit. */
  when: string;
}
