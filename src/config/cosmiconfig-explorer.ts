// cosmiconfig, set up for this tool, in a module of its own: load-config.ts imports this module only when the
// search needs cosmiconfig. cosmiconfig itself is imported statically here, since a bundler can name the exports
// of a CommonJS package only where it is imported statically (a dynamic import of it gives its default alone).

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
