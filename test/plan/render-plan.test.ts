// The plan's human and Markdown forms: what a reviewer reads in a terminal and in a pull request.

import { describe, expect, it } from 'vitest';
import { createColors } from '../../src/cli/color.js';
import { MARKDOWN_CAP, PLAN_COMMENT_MARKER, renderMarkdownPlan } from '../../src/cli/views/render-plan-markdown.js';
import { renderHumanPlan } from '../../src/cli/views/render-plan-human.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import { appliedEntry, definition, execution, stateWith } from '../support/state-builders.js';

const createdAt = '2026-11-27T12:00:00.000Z';
const plain = createColors(0);

function mixedPlan() {
  const a = definition('a');
  const b = definition('b');
  const c = definition('c');
  return planChanges(
    [definition('a', ['delimiter: tab', 'maxRows: 1000']), b, c, definition('new-one')],
    stateWith({
      a: appliedEntry(a),
      b: appliedEntry(b, { lastExecution: execution('failed') }),
      c: appliedEntry(c),
      old: appliedEntry(definition('old')),
    }),
    { createdAt },
  );
}

describe('human plan', () => {
  it('uses Terraform symbols, shows field diffs and the summary line', () => {
    expect(renderHumanPlan(mixedPlan(), plain)).toMatchInlineSnapshot(`
      "cxone-exports will perform the following actions:

        # a will be updated (definition changed)
        ~ export "a" {
            ~ spec.format.delimiter = "," -> "\\t"
          }
          exports/a.yaml:1

        # b will be retried (last execution failed at 2026-11-27T10:04:10.000Z: it failed)
        ↻ export "b" {
            # no field changes: the same definition is submitted again
          }
          exports/b.yaml:1

        # new-one will be created (new definition)
        + export "new-one" {
            + spec.dataActionId                     = "da-1"
            + spec.datasetId                        = "ds-1"
            + spec.format.columnAlignment           = true
            + spec.format.delimiter                 = ","
            + spec.format.escapeCharacter           = "\\""
            + spec.format.maxRows                   = 1000
            + spec.format.quoteCharacter            = "\\""
            + spec.format.sanitizeSpecialCharacters = true
          }
          exports/new-one.yaml:1

        # old will be forgotten (removed from the files; no API call)
        - export "old" {
            - spec.dataActionId                     = "da-1"
            - spec.datasetId                        = "ds-1"
            - spec.format.columnAlignment           = true
            - spec.format.delimiter                 = ","
            - spec.format.escapeCharacter           = "\\""
            - spec.format.maxRows                   = 1000
            - spec.format.quoteCharacter            = "\\""
            - spec.format.sanitizeSpecialCharacters = true
          }
          exports/old.yaml:1

      Plan: 3 to submit (1 create, 1 update, 1 retry), 1 to forget, 1 unchanged.
      "
    `);
  });

  it('says so when there is nothing to do', () => {
    const a = definition('a');
    expect(renderHumanPlan(planChanges([a], stateWith({ a: appliedEntry(a) }), { createdAt }), plain)).toBe(
      'No changes. Exports match the state.\n',
    );
  });
});

describe('markdown plan', () => {
  it('starts with the marker and the summary, then a table and a diff per export', () => {
    const a = definition('a');
    const markdown = renderMarkdownPlan(
      planChanges([definition('a', ['maxRows: 2000'])], stateWith({ a: appliedEntry(a) }), { createdAt }),
    );
    expect(markdown).toMatchInlineSnapshot(`
      "<!-- cxone-exports-plan -->
      ### cxone-exports plan

      **1 to submit (1 update), 0 to forget, 0 unchanged.**

      | | Export | Action | Reason | Data action | Source |
      | --- | --- | --- | --- | --- | --- |
      | 🟡 | <code>a</code> | update | definition changed | <code>da-1</code> | <code>exports/a.yaml:1</code> |

      <details><summary>~ <code>a</code> will be updated</summary>

      \`\`\`diff
      - spec.format.maxRows = 1000
      + spec.format.maxRows = 2000
      \`\`\`

      </details>

      > [!NOTE]
      > This is the plan for this branch as of this push. When the pull request merges, the apply workflow plans again on the latest \`main\` and its state, and applies that plan: changes merged in the meantime, and executions recorded since, are taken into account.
      "
    `);
  });

  it('truncates above the cap, saying how many exports were left out and where the full plan is', () => {
    const defs = Array.from({ length: 400 }, (_, i) => definition(`export-${i}`));
    const markdown = renderMarkdownPlan(planChanges(defs, stateWith({}), { createdAt }), { cap: 20_000 });
    expect(markdown.length).toBeLessThanOrEqual(20_000);
    expect(markdown.startsWith(PLAN_COMMENT_MARKER)).toBe(true);
    expect(markdown).toMatch(
      /> This comment was truncated to stay within GitHub's size limit: \d+ of 400 changed exports are left out\./,
    );
    const included = (markdown.match(/^\| 🟢 /gm) ?? []).length;
    expect(markdown).toContain(`${400 - included} of 400`);
  });

  it("stays under GitHub's limit for 10,000 changes", () => {
    const defs = Array.from({ length: 10_000 }, (_, i) => definition(`export-${i}`));
    const markdown = renderMarkdownPlan(planChanges(defs, stateWith({}), { createdAt }));
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_CAP);
    expect(markdown.length).toBeLessThan(65_536);
  });
});
