// Baseline for the validate benchmark: read every YAML file under a directory and parse all its documents,
// nothing more. This is the floor any validator that uses the `yaml` package stands on.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = process.argv[2];
const files = (await readdir(dir, { recursive: true })).filter((f) => /\.ya?ml$/.test(f)).sort();
let documents = 0;
await Promise.all(
  files.map(async (file) => {
    const docs = parseAllDocuments(await readFile(join(dir, file), 'utf8'));
    documents += Array.isArray(docs) ? docs.length : 0;
  }),
);
console.log(`${documents} documents in ${files.length} files`);
