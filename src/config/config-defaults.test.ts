import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, DERIVED_DEFAULTS } from './config-defaults.js';
import { parseConfig } from './parse-config.js';

interface Node {
  default?: unknown;
  properties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
}

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'config.schema.json'), 'utf8'),
) as Node;

/** Every key of the schema by its path, as the reference names it. */
function keys(node: Node, path = ''): Map<string, Node> {
  const found = new Map<string, Node>();
  if (path !== '') found.set(path, node);
  for (const [key, child] of Object.entries(node.properties ?? {}))
    for (const [p, n] of keys(child, path === '' ? key : `${path}.${key}`)) found.set(p, n);
  if (typeof node.additionalProperties === 'object')
    for (const [p, n] of keys(node.additionalProperties, `${path}.<name>`)) found.set(p, n);
  return found;
}

describe('the config defaults', () => {
  const schemaKeys = keys(schema);

  it('are the schema’s default keywords, no more and no fewer', () => {
    const inSchema = Object.fromEntries(
      [...schemaKeys].filter(([, node]) => node.default !== undefined).map(([path, node]) => [path, node.default]),
    );
    expect(inSchema).toEqual(JSON.parse(JSON.stringify(CONFIG_DEFAULTS)));
  });

  it('name only keys the schema has, and a derived default only where no one value could stand', () => {
    for (const path of Object.keys(DERIVED_DEFAULTS)) {
      expect(schemaKeys.has(path), path).toBe(true);
      expect(schemaKeys.get(path)!.default, path).toBeUndefined();
    }
  });

  it('are what an empty config resolves to', () => {
    const parsed = parseConfig(
      {
        configFile: null,
        displayFile: '(defaults)',
        rootDir: '/repo',
        value: {},
        locate: () => ({ file: 'x', line: 1, column: 1 }),
      },
      {},
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
    const { config } = parsed;
    expect({
      exportsDir: config.exportsDir,
      stateDir: config.stateDir,
      apiUrl: config.apiUrl,
      concurrency: config.apply.concurrency,
      spacingMs: config.apply.spacingMs,
      backoff: config.apply.backoff,
      callbacks: config.callbacks,
      delimiters: config.limits.delimiters,
      backend: config.backend,
    }).toEqual({
      exportsDir: `/repo/${CONFIG_DEFAULTS.exportsDir}`,
      stateDir: `/repo/${CONFIG_DEFAULTS.stateDir}`,
      apiUrl: CONFIG_DEFAULTS.apiUrl,
      concurrency: CONFIG_DEFAULTS['apply.concurrency'],
      spacingMs: CONFIG_DEFAULTS['apply.spacingMs'],
      backoff: { baseMs: CONFIG_DEFAULTS['apply.backoff.baseMs'], capMs: CONFIG_DEFAULTS['apply.backoff.capMs'] },
      callbacks: {
        host: CONFIG_DEFAULTS['callbacks.host'],
        port: CONFIG_DEFAULTS['callbacks.port'],
        path: CONFIG_DEFAULTS['callbacks.path'],
        metricsHost: CONFIG_DEFAULTS['callbacks.metricsHost'],
        pageUrl: CONFIG_DEFAULTS['callbacks.pageUrl'],
      },
      delimiters: [...CONFIG_DEFAULTS['limits.delimiters']],
      backend: { type: CONFIG_DEFAULTS['backend.type'] },
    });
  });
});
