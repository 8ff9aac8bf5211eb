// What a policy rule may read of a change (`change` in its expression; docs/reference/policies.md), and the rule
// compiled and type-checked against it with @marcbachmann/cel-js: an unknown field is an error when the config is
// read. Loaded only for a config that has policies.

import { Environment } from '@marcbachmann/cel-js';
import { CHANGE_SCHEMA } from './policy-fields.js';

/** The CEL environment every rule is compiled in: `change`, typed as above. */
export function celEnvironment(): Environment {
  return new Environment().registerVariable({ name: 'change', schema: CHANGE_SCHEMA });
}

/** Why a rule's expression cannot be used (a syntax error, an unknown field, not a bool), or undefined. */
export function policyProblem(when: string): string | undefined {
  const checked = celEnvironment().check(when);
  // "Unexpected token: EOF" would read to the redactor as a token's value: said without the word.
  if (!checked.valid)
    return (checked.error?.message ?? 'it does not compile')
      .split('\n')[0]!
      .replace(/^Unexpected token: /, 'unexpected ');
  if (checked.type !== 'bool') return `it is of type ${String(checked.type)}, and a rule must be true or false`;
  return undefined;
}
