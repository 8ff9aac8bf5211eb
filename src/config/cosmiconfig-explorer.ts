// cosmiconfig, set up for this tool, in a module of its own: load-config.ts imports this module only when the
// search needs cosmiconfig. cosmiconfig itself is imported statically here, since a bundler can name the exports
// of a CommonJS package only where it is imported statically (a dynamic import of it gives its default alone).

import { cosmiconfig } from 'cosmiconfig';
import { createRequire } from 'node:module';
import { types } from 'node:util';

// YAML forms are read by us with the `yaml` package (positions, duplicate keys); cosmiconfig only finds them.
const FOUND_ONLY = () => ({});

const requireConfig = createRequire(import.meta.url);

/**
 * A JavaScript config, CommonJS or ES module, loaded by require(), which loads both on the Node.js versions
 * package.json's engines allow; an ES module's config is its default export. Not cosmiconfig's import(): the
 * command runs as a script through node:vm (cli/code-cache.ts), where import() is not available.
 */
function loadJavaScriptConfig(filepath: string): unknown {
  let loaded: unknown;
  try {
    loaded = requireConfig(filepath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    throw new Error(`${filepath} uses top-level await, which a config cannot: export the config object itself`, {
      cause: error,
    });
  }
  return types.isModuleNamespaceObject(loaded) ? (loaded as { default?: unknown }).default : loaded;
}

export function configExplorer(moduleName: string, searchPlaces: readonly string[]) {
  return cosmiconfig(moduleName, {
    searchPlaces: [...searchPlaces],
    searchStrategy: 'none',
    loaders: {
      '.yaml': FOUND_ONLY,
      '.yml': FOUND_ONLY,
      noExt: FOUND_ONLY,
      '.js': loadJavaScriptConfig,
      '.mjs': loadJavaScriptConfig,
      '.cjs': loadJavaScriptConfig,
    },
    cache: false,
  });
}
