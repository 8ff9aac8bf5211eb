// `cxone-exports init`: sets up an exports repository in one step: the GitHub workflows (each a few lines that
// use the cxone-exports Action), the merge rules for the state, a commented config, an example definition and the editor's schema
// mapping, with paths that resolve to the installed package. It never overwrites a file: if any it would write
// exists, it writes nothing and says which. Ignore and attribute lines are added to existing files.

import { dirname, join, relative } from 'node:path';
import { InternalError, UsageError } from '../../../errors.js';
import { actionReference } from '../../../workflows/action-reference.js';
import type { PackageManifest } from '../../../workflows/action-reference.js';
import { githubWorkflows } from '../../../workflows/github-workflows.js';
import { matrixWorkflows } from '../../../workflows/matrix-workflows.js';
import { environmentsConfigPart, parseEnvironmentList } from './environment-list.js';
import type { EnvironmentList } from './environment-list.js';
import { PACKAGE_ROOT } from '../../../package-files.js';
import type { CommandContext } from '../../command-context.js';
import { initView } from './view.js';
import { fsPromises } from '../../../on-first-use.js';

/** A file init writes: where it goes in the new repository, and its text. */
interface WrittenFile {
  to: string;
  text: () => Promise<string>;
}

/** The package's own copy of a file. */
const packaged = (from: string) => () => fsPromises().readFile(join(PACKAGE_ROOT, from), 'utf8');

/** The sandbox and production init sets up with --environments. */
const ENVIRONMENT_NAMES = ['sandbox', 'production'] as const;

/** Everything init writes, for the set-up asked for: the backend, and one environment or sandbox and production. */
async function filesFor(
  backend: 'local' | 'pg',
  environments: boolean,
  list: EnvironmentList | undefined,
): Promise<readonly WrittenFile[]> {
  const manifest = JSON.parse(await packaged('package.json')()) as PackageManifest;
  const action = actionReference(manifest);
  // A list of environments: matrix workflows, each tenant side by side; else a job per environment in a chain.
  const workflows =
    list === undefined
      ? githubWorkflows({ backend, environments: environments ? ENVIRONMENT_NAMES : [], action })
      : matrixWorkflows({ backend, environments: list.names, promotions: list.promotions, action });
  return [
    ...Object.entries(workflows).map(([name, text]) => ({
      to: `.github/workflows/cxone-exports-${name}`,
      text: () => Promise.resolve(text),
    })),
    { to: 'cxone-exports.config.yaml', text: () => configText(backend, environments, list) },
    {
      to: 'exports/example.yaml',
      text: async () =>
        (await packaged('templates/exports/example.yaml')()).replace(
          '`npx cxone-exports plan`',
          environments ? '`npx cxone-exports --env all plan`' : '`npx cxone-exports plan`',
        ),
    },
    { to: '.vscode/settings.json', text: packaged('templates/.vscode/settings.json') },
  ];
}

/** The URL lines of the template: with environments, each names its own tenant's endpoints instead. */
const TOP_LEVEL_URLS = /^# Your tenant's CXone endpoints.*\nauthUrl: .*\napiUrl: .*\n/m;

/**
 * The commented config template, with the backend and the environments asked for: each a part of its own under
 * templates/config/, appended to it.
 */
async function configText(
  backend: 'local' | 'pg',
  environments: boolean,
  list: EnvironmentList | undefined,
): Promise<string> {
  let text = await packaged('templates/cxone-exports.config.yaml')();
  if (environments) {
    if (!TOP_LEVEL_URLS.test(text)) throw new InternalError('the config template has no top-level URL lines');
    text = text.replace(
      TOP_LEVEL_URLS,
      "# Each environment names its tenant's CXone endpoints (environments, at the end).\n",
    );
  }
  const parts = [
    ...(backend === 'pg' ? [environments ? 'pg-backend-per-environment' : 'pg-backend'] : []),
    ...(environments && list === undefined ? ['environments'] : []),
  ];
  for (const part of parts) text += `\n${await packaged(`templates/config/${part}.yaml`)()}`;
  if (list !== undefined) text += `\n${environmentsConfigPart(list)}`;
  return text;
}

/** Lines added to files a repository may already have. */
const LINES: readonly { to: string; lines: string[] }[] = [
  {
    to: '.gitattributes',
    // `**/` matches no folder too: the one state, and each environment's in its own folder.
    lines: ['.cxone-exports/**/state.json merge=cxone-exports-state', '.cxone-exports/**/audit.jsonl merge=union'],
  },
  {
    to: '.gitignore',
    lines: [
      'node_modules/',
      '.cxone-exports/**/state.lock',
      '.cxone-exports/**/state.json.backup',
      '.cxone-exports/.cache/',
      // Saved plans and what the workflows write beside them (cxone-exports.sandbox.plan.json, …).
      'cxone-exports.*.json',
      'cxone-exports.*.md',
      'cxone-exports.*.jsonl',
      'cxone-exports-plan/',
    ],
  },
];

export async function init(
  ctx: CommandContext,
  options: { backend: 'local' | 'pg'; environments?: boolean | string },
): Promise<void> {
  const target = ctx.cwd;
  const view = initView(ctx);
  const list = typeof options.environments === 'string' ? parseEnvironmentList(options.environments) : undefined;
  const environments = options.environments !== undefined && options.environments !== false;
  const FILES = await filesFor(options.backend, environments, list);
  const existing = (
    await Promise.all(FILES.map(async (file) => ((await exists(join(target, file.to))) ? file.to : undefined)))
  ).filter((f) => f !== undefined);
  if (existing.length > 0) {
    throw new UsageError(
      `init writes nothing, because ${existing.length === 1 ? 'this file exists' : 'these files exist'}: ${existing.join(', ')}`,
      {
        hint: 'Move them aside and run init again, or copy what you need from the package (node_modules/cxone-exports/templates).',
      },
    );
  }
  for (const file of FILES) {
    const to = join(target, file.to);
    await fsPromises().mkdir(dirname(to), { recursive: true });
    await fsPromises().writeFile(to, await file.text(), { flag: 'wx' });
    view.wrote(file.to, 'created');
  }
  for (const { to, lines } of LINES) {
    const path = join(target, to);
    const before = await fsPromises()
      .readFile(path, 'utf8')
      .catch(() => '');
    const missing = lines.filter((line) => !before.split('\n').includes(line));
    if (missing.length === 0) continue;
    const header = before === '' ? '' : `${before.endsWith('\n') ? '' : '\n'}\n`;
    await fsPromises().writeFile(path, `${before}${header}# cxone-exports\n${missing.join('\n')}\n`);
    view.wrote(to, before === '' ? 'created' : 'updated');
  }
  view.nextSteps(relative(ctx.io.cwd, target), {
    backend: options.backend,
    environments: list?.names ?? (environments ? [...ENVIRONMENT_NAMES] : []),
  });
}

async function exists(path: string): Promise<boolean> {
  return fsPromises()
    .stat(path)
    .then(
      () => true,
      () => false,
    );
}
