// cosmiconfig, set up for this tool, in a module of its own: load-config.ts imports this module only when the
// search needs cosmiconfig. cosmiconfig itself is imported statically here, since a bundler can name the exports
// of a CommonJS package only where it is imported statically (a dynamic import of it gives its default alone).
// It is not in the CLI's script but required from node_modules (build/finish-build.ts), where its import() of a
// JavaScript config works as in any module: the script, run through node:vm, has none.

import { cosmiconfig } from 'cosmiconfig';

// YAML forms are read by us with the `yaml` package (positions, duplicate keys); cosmiconfig only finds them.
const FOUND_ONLY = () => ({});

export function configExplorer(moduleName: string, searchPlaces: readonly string[]) {
  return cosmiconfig(moduleName, {
    searchPlaces: [...searchPlaces],
    searchStrategy: 'none',
    loaders: { '.yaml': FOUND_ONLY, '.yml': FOUND_ONLY, noExt: FOUND_ONLY },
    cache: false,
  });
}
