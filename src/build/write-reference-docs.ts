// `npm run docs`: writes docs/reference/ from the sources (reference-docs.ts), and removes pages no source makes
// any more.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../package-files.js';
import { referencePages } from './reference-docs.js';

const REFERENCE = join(PACKAGE_ROOT, 'docs', 'reference');
const pages = await referencePages();
const listed = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listed(join(dir, entry.name)) : [relative(REFERENCE, join(dir, entry.name))],
  );
mkdirSync(REFERENCE, { recursive: true });
for (const stale of listed(REFERENCE).filter((page) => pages[page] === undefined)) rmSync(join(REFERENCE, stale));
for (const [page, text] of Object.entries(pages)) {
  mkdirSync(dirname(join(REFERENCE, page)), { recursive: true });
  writeFileSync(join(REFERENCE, page), text);
}
process.stdout.write(`Wrote ${Object.keys(pages).length} pages to docs/reference/.\n`);
