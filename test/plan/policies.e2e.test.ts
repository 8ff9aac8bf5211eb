// Policies a reviewer can enforce (issue 38): rules in the config, each a CEL expression over one planned change.
// validate refuses a rule that cannot be used, at its line; a warn rule is shown and the apply goes ahead; a deny
// rule makes plan exit 1 and apply send nothing. In process, against the simulator.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepo, command } from '../support/apply-repo.js';
import { startSimulator } from '../support/simulator.js';

const RULES = `policies:
  - name: no-pipes
    description: the warehouse loader breaks on a pipe delimiter
    level: warn
    when: change.spec.format.delimiter == "|"
  - name: sandbox-row-limit
    description: nobody exports more than a million rows from sandbox
    level: deny
    when: change.spec.format.maxRows > 1000000
`;

describe('policies', () => {
  it('validate reports a rule that does not compile and one over an unknown field, at their lines', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({
      exports: { a: 'da-1' },
      config: `policies:\n  - name: typo\n    level: warn\n    when: change.spec.datasetIdd == "x"\n  - name: broken\n    level: deny\n    when: change.spec.datasetId ==\n`,
    });
    const result = await command(sim, dir)(['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/4:11 +error +config policy typo: .*No such key: datasetIdd +policy-rule/);
    expect(result.stderr).toMatch(/7:11 +error +config policy broken: .*unexpected EOF +policy-rule/);
    // Every command stops on it, before anything is read or sent.
    expect((await command(sim, dir)(['apply', '--auto-approve'])).code).toBe(1);
    expect(sim.record().requests).toHaveLength(0);
  });

  it('shows a warn hit and applies; a deny hit makes plan exit 1 and apply send nothing', async () => {
    const sim = await startSimulator();
    const dir = applyRepo({ exports: { a: 'da-1' }, config: `apply:\n  spacingMs: 0\n${RULES}` });
    const definition = join(dir, 'exports', 'a.yaml');
    writeFileSync(
      definition,
      (await import('node:fs')).readFileSync(definition, 'utf8').replace('format:', 'format:\n    delimiter: "|"'),
    );
    const warned = await command(sim, dir)(['plan']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout).toContain(
      '! warn  no-pipes: export a in default — the warehouse loader breaks on a pipe delimiter',
    );
    expect(warned.stdout).toContain('Warnings only: apply goes ahead.');
    const applied = await command(sim, dir)(['apply', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(sim.record().executions).toHaveLength(1);

    writeFileSync(
      definition,
      (await import('node:fs')).readFileSync(definition, 'utf8').replace(/maxRows: \d+/, 'maxRows: 3000000'),
    );
    const denied = await command(sim, dir)(['plan', '--json']);
    expect(denied.code).toBe(1);
    const plan = JSON.parse(denied.stdout) as { policyHits: unknown[] };
    expect(plan.policyHits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ policy: 'sandbox-row-limit', level: 'deny', export: 'a', environment: 'default' }),
      ]),
    );
    const markdown = await command(sim, dir)(['plan', '--markdown']);
    expect(markdown.stdout).toContain('**Denied by policy: apply sends nothing until these are resolved.**');
    expect(markdown.stdout).toContain('| ⛔ deny | <code>sandbox-row-limit</code> | <code>a</code> |');
    // A deny has no override: naming it is refused, and nothing is sent.
    const overridden = await command(
      sim,
      dir,
    )(['apply', '--auto-approve', '--override-policy', 'sandbox-row-limit', '--reason', 'please']);
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toContain('--override-policy sandbox-row-limit: a deny rule cannot be overridden');
    const refused = await command(sim, dir)(['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('policy denies a change (sandbox-row-limit on a), so nothing was sent');
    expect(sim.record().executions).toHaveLength(1);
    // In GitHub Actions, each hit is an annotation.
    const inActions = await command(sim, dir)(['plan'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(inActions.stderr).toContain(
      '::error title=cxone-exports policy sandbox-row-limit::a in default: nobody exports',
    );
  });
});
