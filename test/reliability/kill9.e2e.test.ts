// 20 apply runs killed with SIGKILL at a random moment. After each, the state parses, every audit line parses
// (a torn last line is moved aside, not lost), and a second apply finishes with exactly one execution per export.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaCheck } from '../../src/diagnostics/schema-validator.js';
import { seededRandom } from '../../src/simulator/seeded-random.js';
import { applyRepo, cli, readAudit, readState } from '../support/apply-repo.js';
import { startSimulator } from '../support/simulator.js';

const TRIALS = 20;
const random = seededRandom(20261127);

describe('kill -9 at random moments', () => {
  it.each(Array.from({ length: TRIALS }, (_, i) => [i + 1, Math.round(250 + random() * 1100)]))(
    'trial %i: killed after %i ms',
    async (_trial, killAfterMs) => {
      const sim = await startSimulator({ faults: { latencyMs: 15 } });
      const exports: Record<string, string> = {};
      for (let i = 0; i < 8; i++) exports[`x-${i}`] = `da-${i % 4}`;
      const dir = applyRepo({ exports, config: 'apply:\n  concurrency: 2\n  spacingMs: 20\n' });
      const run = cli(sim, dir);

      await run(['apply', '--auto-approve'], {
        onSpawn: (child) => setTimeout(() => child.kill('SIGKILL'), killAfterMs),
      });
      if (existsSync(join(dir, '.cxone-exports', 'state.json')))
        expect(schemaCheck('state')(await readState(dir))).toEqual([]);
      const auditPath = join(dir, '.cxone-exports', 'audit.jsonl');
      const linesBefore = existsSync(auditPath)
        ? readFileSync(auditPath, 'utf8').split('\n').filter(Boolean).length
        : 0;

      const recovered = await run(['apply', '--auto-approve']);
      expect(recovered.code, recovered.stderr).toBe(0);
      for (const event of readAudit(dir)) expect(schemaCheck('audit-event')(event)).toEqual([]);
      const torn = existsSync(`${auditPath}.torn`) ? 1 : 0;
      expect(readAudit(dir).length).toBeGreaterThanOrEqual(linesBefore - torn);

      const executions = sim.record().executions;
      expect(executions).toHaveLength(8);
      expect(new Set(executions.map((e) => e.datasetId + e.dataActionId + e.idempotencyKey)).size).toBe(8);
      const state = await readState(dir);
      const unsettled = Object.entries(state.exports).filter(
        ([, e]) => e.pending !== null || e.lastExecution?.executionId == null,
      );
      expect(
        unsettled,
        `${JSON.stringify(unsettled, null, 1)}\n--- recovery stdout:\n${recovered.stdout}\n--- wal:\n${existsSync(join(dir, '.cxone-exports', 'state.wal')) ? readFileSync(join(dir, '.cxone-exports', 'state.wal'), 'utf8') : '(none)'}`,
      ).toEqual([]);
      expect(new Set(Object.values(state.exports).map((e) => e.lastExecution!.executionId)).size).toBe(8);
    },
  );
});
