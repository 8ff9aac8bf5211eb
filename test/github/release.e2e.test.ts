// The release workflow, rehearsed on this machine up to `npm publish --dry-run`: a repository made of what this
// one would release, a bare "origin", and changesets/action stood in for by what it runs. The first push opens
// the version pull request (version, changelog, lock file); merging it publishes and tags vX.Y.Z and vX. Nothing
// leaves the machine. The changeset check of pull requests is rehearsed too.

import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { testEnvironment } from '../support/run-cli.js';
import { rehearseWorkflow } from '../support/workflow-runner.js';
import type { Step } from '../support/workflow-runner.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RELEASE = join(ROOT, '.github', 'workflows', 'release.yml');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A repository holding what this one releases (the built package, changesets, lock file), pushed to a bare origin. */
function releaseRepository(): { repo: string; origin: string; scratch: string } {
  const scratch = mkdtempSync(join(tmpdir(), 'cxone-exports-release-'));
  const repo = join(scratch, 'repo');
  const origin = join(scratch, 'origin.git');
  for (const path of [
    'package.json',
    'package-lock.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    '.changeset',
    '.github/scripts',
    'dist/cli',
    'dist/compiled-schemas',
    'schemas',
    'templates',
    'deploy',
  ])
    cpSync(join(ROOT, path), join(repo, path), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
  writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
  git(scratch, 'init', '--quiet', '--initial-branch=main', repo);
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'release candidate');
  git(scratch, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  git(repo, 'remote', 'add', 'origin', origin);
  git(repo, 'push', '--quiet', 'origin', 'main');
  return { repo, origin, scratch };
}

/**
 * What changesets/action does with the step's inputs: with changesets pending, runs `version` and pushes the
 * result to the version pull request's branch; with none, runs `publish` and reports a release when the publish
 * printed a new tag. The rehearsal publishes with --dry-run, and without rebuilding the built package.
 */
function changesetsAction(step: Step): string {
  const { version, publish, commit } = step.with as Record<string, string>;
  return `
if ls .changeset/*.md | grep -qv README.md; then
  ${version}
  git checkout --quiet -B changeset-release/main
  git add -A && git -c user.name=bot -c user.email=bot@example.com commit --quiet -m "${commit}"
  git push --quiet --force origin changeset-release/main
  echo "published=false" >> "$GITHUB_OUTPUT"
else
  NPM_PUBLISH_FLAGS="--dry-run --ignore-scripts" ${publish} | tee publish.log
  if grep -q '^New tag:' publish.log; then echo "published=true" >> "$GITHUB_OUTPUT"; fi
fi`;
}

function rehearse(repo: string, scratch: string) {
  return rehearseWorkflow(RELEASE, {
    cwd: repo,
    scratch,
    env: { ...testEnvironment(), npm_config_update_notifier: 'false' },
    expressions: { 'secrets.GITHUB_TOKEN': 'rehearsal-token' },
    job: 'release',
    standIn: (step) => {
      if (step.uses?.startsWith('changesets/action@') === true) return changesetsAction(step);
      // The package job's artifact: this checkout's built package, packed as that job packs it.
      if (step.uses?.startsWith('actions/download-artifact@') === true)
        return `rm -rf ${step.with!.path} && mkdir -p ${step.with!.path} && npm pack --silent --ignore-scripts --pack-destination ${step.with!.path} > /dev/null`;
      if (step.uses !== undefined) return undefined;
      // node_modules is this checkout's.
      if (step.run === 'npm ci --no-audit --no-fund --ignore-scripts') return 'test -d node_modules/@changesets/cli';
      return undefined;
    },
  });
}

describe('the release workflow', () => {
  it('publishes with provenance through trusted publishing, and never with a stored npm token', () => {
    const text = readFileSync(RELEASE, 'utf8');
    const workflow = parse(text) as {
      on: unknown;
      jobs: { release: { permissions: Record<string, string>; steps: Step[] } };
    };
    expect(workflow.on).toEqual({ push: { branches: ['main'] } });
    // The tarball published is the one the package job tested and packed, on CI's Node.js line.
    const jobs = workflow.jobs as unknown as Record<string, { needs?: string; steps: Step[] }>;
    expect(jobs.release!.needs).toBe('package');
    expect(jobs.package!.steps.map((s) => s.run ?? s.uses)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'bash .ci/run',
      'mkdir -p package\nnpm pack --ignore-scripts --pack-destination package\n',
      'actions/upload-artifact@v4',
    ]);
    for (const job of Object.values(jobs))
      expect(job.steps.find((s) => s.uses === 'actions/setup-node@v4')?.with?.['node-version']).toBe(20);
    expect(jobs.release!.steps.some((s) => /npm (run build|pack)/.test(s.run ?? ''))).toBe(false);
    expect(workflow.jobs.release.permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    });
    expect(text).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      publishConfig: Record<string, unknown>;
    };
    expect(pkg.publishConfig).toEqual({ access: 'public', provenance: true });
    const action = workflow.jobs.release.steps.find((s) => s.uses?.startsWith('changesets/action@'));
    expect(action?.with).toMatchObject({
      version: 'npm run version-packages',
      publish: '.github/scripts/publish.sh',
    });
  });

  it('opens the version pull request, and its merge publishes (dry run) and tags vX.Y.Z and vX', async () => {
    const { repo, origin, scratch } = releaseRepository();
    const pending = readdirSync(join(repo, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pending.length).toBeGreaterThan(0);
    const before = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

    // A push to main with changesets pending: the version pull request's branch, nothing published.
    const opened = await rehearse(repo, scratch);
    expect(
      opened.steps.filter((s) => !s.skipped && s.code !== 0),
      JSON.stringify(opened.steps),
    ).toEqual([]);
    expect(opened.steps.find((s) => s.name === 'Say what was released')?.skipped).toBe(true);
    const proposed = JSON.parse(git(origin, 'show', 'changeset-release/main:package.json')) as { version: string };
    expect(proposed.version).not.toBe(before);
    const lock = JSON.parse(git(origin, 'show', 'changeset-release/main:package-lock.json')) as { version: string };
    expect(lock.version).toBe(proposed.version);
    const changelog = git(origin, 'show', 'changeset-release/main:CHANGELOG.md');
    expect(changelog).toContain(`## ${proposed.version}`);
    const firstLine = readFileSync(join(ROOT, '.changeset', pending[0]!), 'utf8')
      .split('---')[2]!
      .trim()
      .split('\n')[0]!;
    expect(changelog).toContain(firstLine);
    expect(git(origin, 'ls-tree', '--name-only', 'changeset-release/main', '.changeset/')).toMatch(
      /^\.changeset\/README\.md\n\.changeset\/config\.json\n$/,
    );

    // The version pull request merged: the next push to main publishes and tags.
    git(repo, 'checkout', '--quiet', 'main');
    git(repo, 'merge', '--quiet', '--ff-only', 'changeset-release/main');
    git(repo, 'push', '--quiet', 'origin', 'main');
    const released = await rehearse(repo, scratch);
    expect(
      released.steps.filter((s) => !s.skipped && s.code !== 0),
      JSON.stringify(released.steps),
    ).toEqual([]);
    const publish = released.steps.find((s) => s.name === 'Open the version pull request, or publish')!;
    expect(publish.stdout).toContain(`New tag: v${proposed.version}`);
    expect(`${publish.stdout}${publish.stderr}`).toMatch(new RegExp(`cxone-exports@${proposed.version}`));
    const major = `v${proposed.version.split('.')[0]!}`;
    const tagged = (tag: string) => git(origin, 'rev-parse', `${tag}^{commit}`).trim();
    expect(tagged(`v${proposed.version}`)).toBe(git(origin, 'rev-parse', 'main').trim());
    expect(tagged(major)).toBe(tagged(`v${proposed.version}`));
    expect(released.summary).toContain(`npm install --save-dev cxone-exports@${proposed.version}`);
  }, 120_000);
});

describe('the changeset check of pull requests', () => {
  const check = join(ROOT, '.github', 'scripts', 'require-changeset.sh');

  function pullRequest(files: Record<string, string>): { code: number; output: string } {
    const repo = mkdtempSync(join(tmpdir(), 'cxone-exports-changeset-'));
    git(repo, 'init', '--quiet', '--initial-branch=main');
    writeFileSync(join(repo, 'README.md'), 'x\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    git(repo, 'checkout', '--quiet', '-b', 'change');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'change');
    try {
      return { code: 0, output: execFileSync(check, ['main'], { cwd: repo, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      return { code: failed.status, output: failed.stdout };
    }
  }

  it('fails a change to src/ without a changeset, saying how to add one', () => {
    const result = pullRequest({ 'src/plan/plan.ts': 'export {};\n' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^::error title=No changeset::.*src\/plan\/plan\.ts.*npx changeset/m);
  });

  it('passes it with a changeset, and passes tests and docs without one', () => {
    expect(
      pullRequest({
        'src/plan/plan.ts': 'export {};\n',
        '.changeset/quiet-fox.md': "---\n'cxone-exports': patch\n---\n\nx\n",
      }).code,
    ).toBe(0);
    expect(pullRequest({ 'src/plan/plan.test.ts': 'export {};\n', 'docs/guide.md': 'x\n' })).toMatchObject({
      code: 0,
      output: 'No change users can see: no changeset needed.\n',
    });
    expect(existsSync(check)).toBe(true);
  });
});
