// The config's policies checked when the config is read: every rule, at the top level and in each environment,
// compiled and type-checked, so a rule that cannot judge a change is an error at its line, not a rule that
// silently passes (or fails) at apply. The CEL evaluator is loaded only when the config has policies, so a
// command of a config without them starts as fast as before.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { JsonPath } from '../diagnostics/json-pointer.js';
import type { RawShape } from './config-shape.js';
import type { RawConfig } from './parse-config.js';

/** Each config's problems, found once however many environments are read from it. */
const checked = new WeakMap<RawConfig, Promise<Diagnostic[]>>();

export function policyDiagnostics(raw: RawConfig): Promise<Diagnostic[]> {
  let found = checked.get(raw);
  if (found === undefined) checked.set(raw, (found = findPolicyProblems(raw)));
  return found;
}

async function findPolicyProblems(raw: RawConfig): Promise<Diagnostic[]> {
  const top = (raw.value ?? {}) as RawShape;
  const lists: [JsonPath, unknown][] = [
    [['policies'], top.policies],
    ...Object.entries(top.environments ?? {}).map(([name, section]): [JsonPath, unknown] => [
      ['environments', name, 'policies'],
      section?.policies,
    ]),
  ];
  const present = lists.filter(([, list]) => Array.isArray(list) && list.length > 0);
  if (present.length === 0) return [];
  const { policyProblem } = await import('./policy-expression.js');
  const problems: Diagnostic[] = [];
  const problem = (path: JsonPath, message: string): Diagnostic => ({
    ...raw.locate(path, 'value'),
    export: null,
    message: `config ${message}`,
    rule: 'policy-rule',
  });
  for (const [at, list] of present) {
    const seen = new Set<string>();
    (list as unknown[]).forEach((rule, index) => {
      if (rule === null || typeof rule !== 'object') return;
      const { name, when, level, approvers } = rule as {
        name?: unknown;
        when?: unknown;
        level?: unknown;
        approvers?: unknown;
      };
      if (level === 'approval' && approvers === undefined)
        problems.push(
          problem(
            [...at, index, 'level'],
            `policy ${String(name)} is an approval rule with no approvers; list who may approve`,
          ),
        );
      if (level !== 'approval' && level !== undefined && approvers !== undefined)
        problems.push(
          problem(
            [...at, index, 'approvers'],
            `policy ${String(name)} is a ${typeof level === 'string' ? level : 'non-approval'} rule: approvers are for approval rules only`,
          ),
        );
      if (typeof name === 'string') {
        if (seen.has(name))
          problems.push(
            problem([...at, index, 'name'], `policy ${name} is defined twice here; give each rule a name of its own`),
          );
        seen.add(name);
      }
      if (typeof when !== 'string' || when === '') return;
      const why = policyProblem(when);
      if (why !== undefined)
        problems.push(
          problem(
            [...at, index, 'when'],
            `policy ${String(name)}: the rule ${JSON.stringify(when)} cannot be used: ${why}`,
          ),
        );
    });
  }
  return problems;
}
