import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHANGE_FIELDS, CHANGE_SCHEMA } from '../config/policy-fields.js';
import { planChanges } from './plan-changes.js';
import { appliedEntry, definition, stateWith } from '../../test/support/state-builders.js';
import { compilePolicies } from './plan-policies.js';
import { policyProblem } from '../config/policy-expression.js';

const createdAt = '2026-11-27T12:00:00.000Z';

describe('policies', () => {
  it('refuse a rule that does not compile, names an unknown field, or is not true or false', () => {
    expect(policyProblem('change.spec.datasetId == "ds-recordings"')).toBeUndefined();
    expect(policyProblem('change.spec.datasetId ==')).toMatch(/unexpected EOF/);
    expect(policyProblem('change.spec.datasetIdd == "x"')).toMatch(/No such key: datasetIdd/);
    expect(policyProblem('change.spec.format.maxRows')).toMatch(/of type int, and a rule must be true or false/);
  });

  it('hit the changes they describe, in the environments they name, and deny a change they cannot judge', () => {
    const big = definition('big', ['maxRows: 3000000']);
    const small = definition('small', ['maxRows: 10']);
    const plan = planChanges([big, small], stateWith({ small: appliedEntry(definition('small', ['maxRows: 5'])) }), {
      createdAt,
    });
    const policies = compilePolicies([
      { name: 'row-limit', level: 'deny', environments: ['*-sandbox'], when: 'change.spec.format.maxRows > 1000000' },
      {
        name: 'updates',
        level: 'warn',
        when: 'change.action == "update" && "spec.format.maxRows" in change.changedFields',
      },
      { name: 'team-label', level: 'warn', when: 'change.labels["team"] == "finance"' },
    ]);
    const hits = policies.evaluate(plan, 'acme-sandbox');
    expect(hits.filter((h) => h.error === undefined).map((h) => [h.policy, h.level, h.export])).toEqual([
      ['row-limit', 'deny', 'big'],
      ['updates', 'warn', 'small'],
    ]);
    // A label the change lacks is an error there: the change is denied, and the hit says why (fail closed).
    expect(hits.filter((h) => h.error !== undefined)).toEqual([
      expect.objectContaining({
        policy: 'team-label',
        level: 'deny',
        export: 'big',
        error: expect.stringMatching(/team/) as string,
      }),
      expect.objectContaining({ policy: 'team-label', level: 'deny', export: 'small' }),
    ]);
    expect(policies.evaluate(plan, 'acme-production').map((h) => h.policy)).not.toContain('row-limit');
  });

  it("read only fields the reference describes, and the guide's examples compile", () => {
    const leaves = (node: object, at: string): string[] =>
      Object.entries(node).flatMap(([key, value]) =>
        typeof value === 'object' ? leaves(value as object, `${at}.${key}`) : [`${at}.${key}`],
      );
    const described = CHANGE_FIELDS.map(([path]) => path);
    for (const leaf of leaves(CHANGE_SCHEMA, 'change')) expect(described).toContain(leaf);
    const guide = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'guides', 'policies.md'), 'utf8');
    const config = parse(/```yaml\n([^]*?)```/.exec(guide)![1]!) as { policies: { when: string }[] };
    expect(config.policies).toHaveLength(3);
    for (const rule of config.policies) expect(policyProblem(rule.when), rule.when).toBeUndefined();
  });
});
