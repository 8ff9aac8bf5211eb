// Several registries' metrics as one Prometheus exposition: a receiver of several environments keeps a registry
// per environment (each series labelled with it) and one for its requests. The text format wants each family's
// HELP and TYPE once, with all its samples after them, so families of the same name are put together.

/** The expositions as one: each family once, in the order first seen, with every registry's samples. */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, { head: string[]; samples: string[] }>();
  for (const text of texts) {
    let current: { head: string[]; samples: string[] } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (comment !== null) {
        const name = comment[2]!;
        let family = families.get(name);
        if (family === undefined) families.set(name, (family = { head: [], samples: [] }));
        // The first registry's HELP and TYPE stand for all: every registry declares them alike.
        if (!family.head.some((seen) => seen.startsWith(`# ${comment[1]!} `))) family.head.push(line);
        current = family;
      } else current?.samples.push(line);
    }
  }
  return `${[...families.values()].map((family) => [...family.head, ...family.samples].join('\n')).join('\n\n')}\n`;
}
