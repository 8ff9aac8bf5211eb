import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { miniRepo } from '../../test/support/fixtures.js';
import { DiagnosticsError } from '../diagnostics/diagnostics-error.js';
import { UsageError } from '../errors.js';
import { loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it.each([
    ['cxone-exports.config.yaml', 'limits:\n  maxRows: 7\n'],
    ['cxone-exports.config.yml', 'limits: { maxRows: 7 }\n'],
    ['cxone-exports.config.json', '{"limits": {"maxRows": 7}}'],
    ['cxone-exports.config.mjs', 'export default { limits: { maxRows: 7 } };'],
    ['cxone-exports.config.cjs', 'module.exports = { limits: { maxRows: 7 } };'],
    ['.cxone-exportsrc', 'limits: { maxRows: 7 }\n'],
    ['.cxone-exportsrc.json', '{"limits": {"maxRows": 7}}'],
    ['package.json', '{"name": "x", "cxone-exports": {"limits": {"maxRows": 7}}}'],
  ])('finds %s', async (file, content) => {
    const root = miniRepo({ [file]: content, '.git/HEAD': '' });
    const config = await loadConfig({ cwd: root, env: {} });
    expect(config.limits.maxRows).toBe(7);
    expect(config.configFile).toBe(join(root, file));
  });

  it('searches from a subdirectory up to the repository root, and resolves paths from the config file', async () => {
    const root = miniRepo({ 'cxone-exports.config.yaml': 'exportsDir: defs\n', '.git/HEAD': '', 'a/b/.keep': '' });
    const config = await loadConfig({ cwd: join(root, 'a', 'b'), env: {} });
    expect(config.exportsDir).toBe(join(root, 'defs'));
  });

  it('does not search above the repository root', async () => {
    const outer = miniRepo({ 'cxone-exports.config.yaml': 'exportsDir: outer\n' });
    mkdirSync(join(outer, 'repo', '.git'), { recursive: true });
    const config = await loadConfig({ cwd: join(outer, 'repo'), env: {} });
    expect(config.configFile).toBeNull();
    expect(config.exportsDir).toBe(join(outer, 'repo', 'exports'));
  });

  it('reports YAML config problems with line and column', async () => {
    const root = miniRepo({ 'cxone-exports.config.yaml': 'apply:\n  concurrency: "4"\n', '.git/HEAD': '' });
    const error = await loadConfig({ cwd: root, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagnosticsError);
    expect((error as DiagnosticsError).diagnostics).toMatchObject([
      { file: 'cxone-exports.config.yaml', line: 2, column: 16, rule: 'schema/type' },
    ]);
  });

  it('positions problems inside the package.json key', async () => {
    const root = miniRepo({
      'package.json': '{\n  "name": "x",\n  "cxone-exports": {\n    "stateDir": 5\n  }\n}\n',
      '.git/HEAD': '',
    });
    const error = (await loadConfig({ cwd: root, env: {} }).catch((e: unknown) => e)) as DiagnosticsError;
    expect(error.diagnostics).toMatchObject([{ file: 'package.json', line: 4, rule: 'schema/type' }]);
  });

  it('reports YAML syntax errors and duplicate keys in the config', async () => {
    const root = miniRepo({ 'cxone-exports.config.yaml': 'stateDir: a\nstateDir: b\n', '.git/HEAD': '' });
    const error = (await loadConfig({ cwd: root, env: {} }).catch((e: unknown) => e)) as DiagnosticsError;
    expect(error.diagnostics).toMatchObject([{ line: 2, rule: 'yaml/duplicate-key' }]);
  });

  it('loads exactly the --config file, and names a missing one', async () => {
    const root = miniRepo({
      'other.yaml': 'limits: { maxRows: 3 }\n',
      'cxone-exports.config.yaml': 'limits: { maxRows: 9 }\n',
    });
    expect((await loadConfig({ cwd: root, configFile: 'other.yaml', env: {} })).limits.maxRows).toBe(3);
    const error = await loadConfig({ cwd: root, configFile: 'missing.yaml', env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('missing.yaml does not exist');
  });

  it('turns a JSON syntax error into a usage error naming the file', async () => {
    const root = miniRepo({ '.git/HEAD': '' });
    writeFileSync(join(root, 'cxone-exports.config.json'), '{"limits": ');
    const error = await loadConfig({ cwd: root, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain('cxone-exports.config.json');
  });

  it('blames a bad CXONE_API_URL on the environment, not on the config file', async () => {
    const root = miniRepo({ 'cxone-exports.config.yaml': 'limits: { maxRows: 7 }\n', '.git/HEAD': '' });
    const failure = loadConfig({ cwd: root, env: { CXONE_API_URL: 'api.us1.cxone.com' } });
    await expect(failure).rejects.toBeInstanceOf(UsageError);
    await expect(failure).rejects.toMatchObject({
      message:
        'environment variable CXONE_API_URL must be an http(s) URL such as https://api.us1.cxone.com, not "api.us1.cxone.com"',
      hint: expect.stringContaining('Fix or unset CXONE_API_URL') as string,
    });
  });
});
