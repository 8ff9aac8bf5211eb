// `cxone-exports init`: sets up an exports repository in one step: the GitHub workflows and their action and
// script, the merge rules for the state, a commented config, an example definition and the editor's schema
// mapping, with paths that resolve to the installed package. It never overwrites a file: if any it would write
// exists, it writes nothing and says which. Ignore and attribute lines are added to existing files.

import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UsageError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../package-files.js';
import type { CommandContext } from '../command-context.js';

interface CopiedFile {
  to: string;
  from: string;
  executable?: boolean;
  /** Appended to the copy (the backend block of the config). */
  append?: string;
}

/** Files copied whole: where they go in the new repository, and where the package keeps them. */
function filesFor(backend: 'local' | 'pg', environments: boolean): readonly CopiedFile[] {
  // This repository's own workflows are the environment ones: it applies sandbox before production.
  const workflows = environments ? '.github/workflows' : backend === 'pg' ? 'templates/github-pg' : 'templates/github';
  return [
    { to: '.github/workflows/cxone-exports-plan.yml', from: `${workflows}/plan.yml` },
    { to: '.github/workflows/cxone-exports-apply.yml', from: `${workflows}/apply.yml` },
    { to: '.github/workflows/cxone-exports-refresh.yml', from: `${workflows}/refresh.yml` },
    { to: '.github/workflows/cxone-exports-schedule.yml', from: `${workflows}/schedule.yml` },
    { to: '.github/actions/setup-cxone-exports/action.yml', from: '.github/actions/setup-cxone-exports/action.yml' },
    // With the state in PostgreSQL there is nothing to commit back (the environment workflows ask anyway).
    ...(backend === 'pg' && !environments
      ? []
      : [{ to: '.github/scripts/commit-state.sh', from: '.github/scripts/commit-state.sh', executable: true }]),
    {
      to: 'cxone-exports.config.yaml',
      from: 'templates/cxone-exports.config.yaml',
      ...(backend === 'pg' || environments
        ? { append: `${backend === 'pg' ? PG_BACKEND : ''}${environments ? ENVIRONMENTS : ''}` }
        : {}),
    },
    { to: 'exports/example.yaml', from: 'templates/exports/example.yaml' },
    { to: '.vscode/settings.json', from: 'templates/.vscode/settings.json' },
  ];
}

const ENVIRONMENTS = `
# Two tenants from one repository (README, "Environments"): each has its own credentials (CXONE_SANDBOX_CLIENT_ID,
# CXONE_PRODUCTION_CLIENT_ID, …) and state, and every command names one: cxone-exports --env sandbox plan.
environments:
  sandbox:
    apiUrl: https://api-na1.niceincontact.com
  production:
    apiUrl: https://api-na1.niceincontact.com
    promoteFrom: sandbox         # a change reaches production only after it completed in sandbox
`;

const PG_BACKEND = `
# The state, its lock and its audit events in PostgreSQL (README, "State backends"). The connection comes from
# CXONE_EXPORTS_PG_URL (or PGHOST, PGUSER, PGPASSWORD, PGDATABASE), never from this file.
backend:
  type: pg
  schema: cxone_exports
  stateName: default
`;

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
      'cxone-exports.*.json',
      'cxone-exports.*.md',
      'cxone-exports.*.jsonl',
    ],
  },
];

export async function init(
  ctx: CommandContext,
  options: { backend: 'local' | 'pg'; environments?: boolean },
): Promise<void> {
  const target = ctx.cwd;
  const FILES = filesFor(options.backend, options.environments === true);
  const existing = (
    await Promise.all(FILES.map(async (file) => ((await exists(join(target, file.to))) ? file.to : undefined)))
  ).filter((f) => f !== undefined);
  if (existing.length > 0) {
    throw new UsageError(
      `init writes nothing, because ${existing.length === 1 ? 'this file exists' : 'these files exist'}: ${existing.join(', ')}`,
      {
        hint: 'Move them aside and run init again, or copy what you need from the package (node_modules/cxone-exports/templates and .github).',
      },
    );
  }
  for (const file of FILES) {
    const to = join(target, file.to);
    await mkdir(dirname(to), { recursive: true });
    const content = await readFile(join(PACKAGE_ROOT, file.from), 'utf8');
    await writeFile(to, content + (file.append ?? ''), { flag: 'wx' });
    if (file.executable === true) await chmod(to, 0o755);
    ctx.logger.info(`  created  ${file.to}`);
  }
  for (const { to, lines } of LINES) {
    const path = join(target, to);
    const before = await readFile(path, 'utf8').catch(() => '');
    const missing = lines.filter((line) => !before.split('\n').includes(line));
    if (missing.length === 0) continue;
    const header = before === '' ? '' : `${before.endsWith('\n') ? '' : '\n'}\n`;
    await writeFile(path, `${before}${header}# cxone-exports\n${missing.join('\n')}\n`);
    ctx.logger.info(`  ${before === '' ? 'created' : 'updated'}  ${to}`);
  }
  const where = relative(process.cwd(), target) || 'this directory';
  ctx.logger.info(
    [
      '',
      `Set up cxone-exports in ${where}. Next:`,
      '  1. Set authUrl and apiUrl in cxone-exports.config.yaml, and replace the ids in exports/example.yaml.',
      options.environments === true
        ? '  2. Run: npx cxone-exports validate && npx cxone-exports --env all plan'
        : '  2. Run: npx cxone-exports validate && npx cxone-exports plan',
      options.environments === true
        ? `  3. In GitHub, create the environments "sandbox" and "production", each with the secrets CXONE_CLIENT_ID and CXONE_CLIENT_SECRET of its tenant${options.backend === 'pg' ? ' and CXONE_EXPORTS_PG_URL' : ''}; production may require reviewers.`
        : options.backend === 'pg'
          ? '  3. In GitHub, create the environment "production" with the secrets CXONE_CLIENT_ID, CXONE_CLIENT_SECRET and CXONE_EXPORTS_PG_URL (the apply role), and a repository secret CXONE_EXPORTS_PG_URL (the plan role).'
          : '  3. In GitHub, create the environment "production" with the secrets CXONE_CLIENT_ID and CXONE_CLIENT_SECRET.',
      options.backend === 'pg'
        ? 'The README of the package ("State backends") gives the roles to create and their grants.'
        : 'The README of the package ("Using it in GitHub") explains branch protection and the commit-back.',
    ].join('\n'),
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
