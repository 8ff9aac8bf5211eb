import { describe, expect, it } from 'vitest';
import { miniRepo } from '../../test/support/fixtures.js';
import { cosmiconfigHasMetaConfig, searchDirectory } from './conventional-search.js';
import { MODULE_NAME, SEARCH_PLACES, explorer } from './load-config.js';

const YAML = 'limits: { maxRows: 7 }\n';
const PACKAGE_WITH_KEY = '{"name": "x", "cxone-exports": {"limits": {"maxRows": 7}}}';

describe('the conventional config search', () => {
  it.each([
    ['a YAML config', { 'cxone-exports.config.yaml': YAML }, true],
    ['an rc file without extension', { '.cxone-exportsrc': YAML }, true],
    ['an rc file under .config/', { '.config/cxone-exportsrc.yml': YAML }, true],
    ['an empty rc file before a YAML config', { '.cxone-exportsrc': ' \n', 'cxone-exports.config.yaml': YAML }, true],
    ['a package.json without the key', { 'package.json': '{"name": "x"}', 'cxone-exports.config.yml': YAML }, true],
    ['a package.json with the key', { 'package.json': PACKAGE_WITH_KEY, 'cxone-exports.config.yaml': YAML }, true],
    ['a package.json whose key is null', { 'package.json': '{"cxone-exports": null}' }, true],
    ['no config at all', { 'README.md': '# x\n' }, true],
    ['a JSON rc file', { '.cxone-exportsrc.json': '{"limits": {"maxRows": 7}}' }, false],
    ['a JavaScript config', { 'cxone-exports.config.mjs': 'export default {};' }, false],
    ['a package.json that does not parse', { 'package.json': '{', 'cxone-exports.config.yaml': YAML }, false],
  ])('finds what cosmiconfig finds: %s', async (_, files, answered) => {
    const dir = miniRepo(files);
    const fast = searchDirectory(dir, SEARCH_PLACES, MODULE_NAME);
    expect(fast !== undefined).toBe(answered);
    if (fast === undefined) return;
    const found = await (await explorer()).search(dir);
    expect(fast).toEqual(found === null ? null : { filepath: found.filepath, config: found.config as unknown });
  });

  it('leaves the search to cosmiconfig when its meta config could change where it looks', () => {
    const dir = miniRepo({ 'cxone-exports.config.yaml': YAML, '.config/config.yaml': 'searchPlaces: [x.yaml]\n' });
    expect(cosmiconfigHasMetaConfig(dir)).toBe(true);
    const withKey = miniRepo({ 'package.json': '{"cosmiconfig": {}}', 'cxone-exports.config.yaml': YAML });
    expect(cosmiconfigHasMetaConfig(withKey)).toBe(true);
    expect(cosmiconfigHasMetaConfig(miniRepo({ 'package.json': '{"name": "x"}' }))).toBe(false);
  });
});
