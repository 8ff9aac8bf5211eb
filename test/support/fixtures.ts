// Small builders shared by tests: a valid definition as YAML text, and temporary mini-repositories.

import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseConfig } from '../../src/config/parse-config.js';
import type { ProjectConfig } from '../../src/config/project-config.js';

/** `formatLines` go under spec.format, `specLines` after it in spec (a schedule, say). */
export function definitionYaml(
  name = 'agent-activity-daily',
  formatLines = ['maxRows: 1000'],
  specLines: string[] = [],
): string {
  return [
    'apiVersion: cxone-exports/v1',
    'kind: CsvExport',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  dataActionId: da-1',
    '  datasetId: ds-1',
    '  format:',
    ...formatLines.map((line) => `    ${line}`),
    ...specLines.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** The config a project gets with no config file, optionally with raw overrides. */
export function testConfig(raw: unknown = {}, env: Record<string, string> = {}): ProjectConfig {
  const result = parseConfig(
    {
      configFile: null,
      displayFile: 'cxone-exports.config.yaml',
      rootDir: '/repo',
      value: raw,
      locate: () => ({ file: 'cxone-exports.config.yaml', line: 1, column: 1 }),
    },
    env,
  );
  if (!result.ok) throw new Error(`test config invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.config;
}

/** A temporary directory holding the given files (paths relative to it). */
export function miniRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cxone-exports-test-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** A temporary repository holding a copy of this repository's exports/ and config. */
export function repoWithBundledExports(): string {
  const dir = miniRepo({ '.git/HEAD': '' });
  cpSync(join(REPO_ROOT, 'exports'), join(dir, 'exports'), { recursive: true });
  cpSync(join(REPO_ROOT, 'cxone-exports.config.yaml'), join(dir, 'cxone-exports.config.yaml'));
  return dir;
}
