// Issue 4's figures: `plan --json > /dev/null` on 10,000 definitions against a 10,000-entry state (10% changed),
// against `validate` on the same tree; the atomic write of that state alone; the Markdown of 10,000 changes.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDefinitions } from './generate-definitions.mjs';
import { fmt, median, timeNode, verdict } from './measure.mjs';
import { withBenchDatabase } from './pg-database.mjs';

export async function benchPlan({ cli, dist, runs }) {
  const root = mkdtempSync(join(tmpdir(), 'cxone-bench-plan-'));
  try {
    writeFileSync(join(root, 'cxone-exports.config.yaml'), 'exportsDir: exports\n');
    const count = generateDefinitions(root, { files: 1000, perFile: 10 });
    const { checkDefinitionFiles } = await import(`${dist}/definitions/check-definitions.js`);
    const { parseConfig } = await import(`${dist}/config/parse-config.js`);
    const { LocalFileStore } = await import(`${dist}/state/local/local-file-store.js`);
    const { planChanges } = await import(`${dist}/plan/plan-changes.js`);
    const { renderMarkdownPlan, MARKDOWN_CAP } = await import(`${dist}/cli/views/render-plan-markdown.js`);
    const config = parseConfig(
      {
        configFile: null,
        displayFile: '-',
        rootDir: root,
        value: {},
        locate: () => ({ file: '-', line: 1, column: 1 }),
      },
      {},
    ).config;
    const files = readdirSync(join(root, 'exports'), { recursive: true })
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => ({ file: `exports/${f}`, text: readFileSync(join(root, 'exports', f), 'utf8') }));
    const { definitions } = checkDefinitionFiles(files, config);

    // Every tenth export was applied with another maxRows, so 10% plan as update.
    const entry = (d, i) => {
      const spec =
        i % 10 === 0 ? { ...d.spec, format: { ...d.spec.format, maxRows: d.spec.format.maxRows + 1 } } : d.spec;
      const hash = i % 10 === 0 ? `sha256:${'f'.repeat(64)}` : d.definitionHash;
      return [
        d.name,
        {
          definitionHash: hash,
          spec,
          metadata: d.metadata,
          source: { file: d.source.file, line: d.source.line },
          pending: null,
          lastExecution: {
            executionId: `exe_${i}`,
            status: 'completed',
            idempotencyKey: `key-${i}`,
            definitionHash: hash,
            submittedAt: '2026-11-27T10:00:00.000Z',
            completedAt: '2026-11-27T10:04:10.000Z',
            rowsExported: 100,
            latencyMs: 250000,
            error: null,
          },
        },
      ];
    };
    const store = new LocalFileStore({ stateDir: join(root, '.cxone-exports') });
    const empty = (await store.read()).state;
    const entries = Object.fromEntries(definitions.map(entry));
    await store.commit({ lineage: empty.lineage, set: entries, remove: [], events: [] }, 0);
    let state = (await store.read()).state;

    // The state write alone, whole: one entry committed (alternated, so that every write really changes content),
    // then the log folded into a new snapshot.
    const writeMs = [];
    for (let i = 0; i < runs * 2; i++) {
      const name = definitions[0].name;
      const changed = { ...state.exports[name], source: { file: state.exports[name].source.file, line: (i % 2) + 1 } };
      const started = performance.now();
      await store.commit({ lineage: state.lineage, set: { [name]: changed }, remove: [], events: [] }, state.serial);
      await store.compact();
      writeMs.push(performance.now() - started);
      state = (await store.read()).state;
    }

    const planned = planChanges(definitions, state, { createdAt: new Date().toISOString() });
    const allChanges = planChanges(definitions, { ...state, exports: {} }, { createdAt: new Date().toISOString() });
    const renderMs = [];
    let markdown = '';
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      markdown = renderMarkdownPlan(allChanges);
      renderMs.push(performance.now() - started);
    }

    console.log(
      `plan: ${count} definitions against a ${Object.keys(state.exports).length}-entry state, ${planned.summary.update} changed, ${runs} runs each`,
    );
    // Against a cold validate: with its cache, validate would skip the checking plan repeats.
    const validate = timeNode([cli, 'validate'], {
      runs,
      cwd: root,
      discardStdout: true,
      beforeEach: () => rmSync(join(root, '.cxone-exports', '.cache'), { recursive: true, force: true }),
    });
    const plan = timeNode([cli, 'plan', '--json'], { runs, cwd: root, discardStdout: true });
    const ratio = median(plan.wallMs) / median(validate.wallMs);
    const peak = Math.max(...plan.rssMb);
    // The same plan with the state in PostgreSQL: moved there by `state migrate`, then read with the plan.
    const pgPlan = await withBenchDatabase(async (url) => {
      const saved = { ...process.env };
      Object.assign(process.env, { CXONE_EXPORTS_PG_URL: url });
      try {
        writeFileSync(join(root, 'cxone-exports.config.yaml'), 'exportsDir: exports\nbackend:\n  type: pg\n');
        const moved = spawnSync(process.execPath, [cli, 'state', 'migrate', '--from', 'local'], { cwd: root });
        if (moved.status !== 0) throw new Error(`state migrate failed: ${moved.stderr}`);
        return timeNode([cli, 'plan', '--json'], { runs, cwd: root, discardStdout: true });
      } finally {
        process.env = saved;
        writeFileSync(join(root, 'cxone-exports.config.yaml'), 'exportsDir: exports\n');
      }
    });
    const pgRatio = median(pgPlan.wallMs) / median(plan.wallMs);
    console.log(`  cxone-exports validate          median ${fmt(median(validate.wallMs))} ms`);
    console.log(`  cxone-exports plan --json       median ${fmt(median(plan.wallMs))} ms  peak RSS ${fmt(peak)} MB`);
    console.log(
      `  plan --json, state in pg        median ${fmt(median(pgPlan.wallMs))} ms  peak RSS ${fmt(Math.max(...pgPlan.rssMb))} MB`,
    );
    console.log(
      `  state write, ${Object.keys(state.exports).length} entries, atomic  median ${fmt(median(writeMs))} ms`,
    );
    console.log(
      `  markdown, ${allChanges.changes.length} changes          median ${fmt(median(renderMs))} ms, ${markdown.length} characters (cap ${MARKDOWN_CAP})`,
    );
    return [
      verdict('plan / validate', `${fmt(ratio, 2)}x`, '<= 1.3x', ratio <= 1.3),
      verdict('plan with pg / plan with the local file', `${fmt(pgRatio, 2)}x`, '<= 1.5x', pgRatio <= 1.5),
      verdict('plan peak RSS', `${fmt(peak)} MB`, '< 400 MB', peak < 400),
      verdict(
        'markdown of 10,000 changes',
        `${markdown.length} chars in ${fmt(median(renderMs))} ms`,
        `<= ${MARKDOWN_CAP} chars, < 1000 ms`,
        markdown.length <= MARKDOWN_CAP && median(renderMs) < 1000,
      ),
    ].every(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
