// Preloaded into the CLI by light-commands.e2e.test.ts: at exit, writes what the process loaded (files through
// require, and Node's own modules) as JSON to LOADED_REPORT.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const requireCache = createRequire(import.meta.url).cache;
const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  writeFileSync(
    process.env.LOADED_REPORT,
    JSON.stringify({
      files: Object.keys(requireCache),
      builtins: process.moduleLoadList
        .filter((entry) => !before.has(entry) && entry.startsWith('NativeModule '))
        .map((entry) => entry.slice('NativeModule '.length)),
    }),
  );
});
