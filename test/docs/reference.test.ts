// docs/reference/ is generated (`npm run docs`): each page must be what the generator writes from the sources
// now, and no page may outlive its source. A change to a command, a schema or a code table regenerates it.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePages } from '../../src/build/reference-docs.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { RULE_CODES } from '../../src/diagnostics/rule-codes.js';

const REFERENCE = join(import.meta.dirname, '..', '..', 'docs', 'reference');
const onDisk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? onDisk(join(dir, entry.name)) : [relative(REFERENCE, join(dir, entry.name))],
  );

describe('the generated reference', () => {
  it('is what npm run docs writes from the sources now, page for page', async () => {
    const pages = await referencePages();
    expect(onDisk(REFERENCE).sort()).toEqual(Object.keys(pages).sort());
    for (const [page, text] of Object.entries(pages))
      expect(readFileSync(join(REFERENCE, page), 'utf8'), `docs/reference/${page}: run npm run docs`).toBe(text);
  });

  it('has a page for every command --help lists, and a line for every rule code', async () => {
    const pages = await referencePages();
    for (const command of COMMANDS.filter((c) => c.hidden !== true))
      expect(pages[`commands/${command.path.join('-')}.md`]).toContain(`# \`cxone-exports ${command.path.join(' ')}\``);
    for (const code of Object.keys(RULE_CODES)) expect(pages['rule-codes.md']).toContain(`| ${code} |`);
  });
});
