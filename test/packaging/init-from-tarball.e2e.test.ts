// The package as a user gets it: `npm pack` of this repository, installed into an empty repository, then
// `cxone-exports init`, `validate` and `plan` there, with nothing from this checkout but the tarball.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { packedPackage } from '../support/pack.js';

const ROOT = join(import.meta.dirname, '..', '..');

function run(command: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the packed package', () => {
  it('installs into an empty repository, where init sets everything up and validate and plan work', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cxone-exports-pack-'));
    // prepack builds dist/, so a fresh clone packs a working package. Here dist/ is built already (npm test
    // builds first), and other tests run it meanwhile, so the pack does not rebuild it under their feet.
    expect(
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
        .prepack,
    ).toMatch(/npm run build/);
    const { tarball, manifest } = await packedPackage();
    // What runs, and what a user reads: not the unbundled tsc output, source maps, the build or the demo.
    expect(manifest.entryCount).toBeLessThanOrEqual(80);
    expect(manifest.size).toBeLessThanOrEqual(600 * 1024);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    for (const file of [
      'package/dist/cli/main.js',
      'package/schemas/export.schema.json',
      'package/templates/cxone-exports.config.yaml',
      'package/deploy/systemd/cxone-exports-schedule.timer',
    ])
      expect(listing).toContain(file);
    expect(listing).not.toContain('package/.github/workflows/ci.yml');
    expect(listing).not.toMatch(/\.test\.js|\.map\n|package\/dist\/(demo|build|state|plan)\//);
    for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'deploy/systemd/cxone-exports-serve.service'])
      expect(listing).toContain(`package/${file}`);

    const repo = join(scratch, 'exports-repo');
    execFileSync('git', ['init', '--quiet', repo]);
    writeFileSync(join(repo, 'package.json'), '{ "name": "our-exports", "private": true }\n');
    writeFileSync(join(repo, '.gitignore'), 'dist/\n');
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], repo);
    expect(installed.code, installed.stderr).toBe(0);

    const init = run('npx', ['--no-install', 'cxone-exports', 'init'], repo);
    expect(init.code, init.stderr).toBe(0);
    for (const file of [
      '.github/workflows/cxone-exports-plan.yml',
      '.github/workflows/cxone-exports-apply.yml',
      '.github/workflows/cxone-exports-refresh.yml',
      '.github/workflows/cxone-exports-schedule.yml',
      'cxone-exports.config.yaml',
      'exports/example.yaml',
      '.vscode/settings.json',
    ]) {
      expect(existsSync(join(repo, file)), file).toBe(true);
    }
    // Each workflow uses the Action of this tool's repository, at the installed release's major version.
    expect(readFileSync(join(repo, '.github/workflows/cxone-exports-apply.yml'), 'utf8')).toMatch(
      /^\s+uses: cxone-exports\/cxone-exports@v\d+$/m,
    );
    expect(existsSync(join(repo, '.github/scripts'))).toBe(false);
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toMatch(
      /^dist\/\n\n# cxone-exports\nnode_modules\/\n\.cxone-exports\/\*\*\/state\.lock\n/,
    );
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toContain('\n.cxone-exports/.cache/\n');
    expect(readFileSync(join(repo, '.gitattributes'), 'utf8')).toContain(
      '.cxone-exports/**/state.json merge=cxone-exports-state',
    );

    // Every schema path the editor is given resolves inside the installed package. The example definition has no
    // relative $schema line, which a copy into a sub-folder would break: the settings map every file under exports/.
    expect(readFileSync(join(repo, 'exports/example.yaml'), 'utf8')).not.toContain('$schema=');
    const schema = /\$schema=(\S+)/.exec(readFileSync(join(repo, 'cxone-exports.config.yaml'), 'utf8'))![1]!;
    expect(existsSync(resolve(repo, schema)), schema).toBe(true);
    const mapping = (
      JSON.parse(readFileSync(join(repo, '.vscode/settings.json'), 'utf8')) as {
        'yaml.schemas': Record<string, string>;
      }
    )['yaml.schemas'];
    for (const schema of Object.keys(mapping)) expect(existsSync(resolve(repo, schema)), schema).toBe(true);
    expect(mapping['./node_modules/cxone-exports/schemas/export.schema.json']).toBe('exports/**/*.{yaml,yml}');

    expect(run('npx', ['--no-install', 'cxone-exports', 'validate'], repo)).toMatchObject({
      code: 0,
      stdout: '✔ 1 export definition in 1 file is valid.\n',
    });
    const plan = run('npx', ['--no-install', 'cxone-exports', 'plan'], repo);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to submit (1 create), 0 to forget, 0 unchanged.');

    // Every command's help, from the installed package alone.
    // (npx found the bin above; each page from the bin itself spares a start of npm per command.)
    const bin = join(repo, 'node_modules', '.bin', 'cxone-exports');
    for (const command of COMMANDS) {
      const help = run(bin, [...command.path, '--help'], repo);
      expect(help.code, `${command.path.join(' ')}: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain(`Usage: cxone-exports ${command.path.join(' ')}`);
    }

    // A second init overwrites nothing, and says what is in the way.
    const before = readFileSync(join(repo, 'cxone-exports.config.yaml'), 'utf8');
    writeFileSync(join(repo, 'cxone-exports.config.yaml'), `${before}# ours\n`);
    const again = run('npx', ['--no-install', 'cxone-exports', 'init'], repo);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'init writes nothing, because these files exist: .github/workflows/cxone-exports-plan.yml',
    );
    expect(readFileSync(join(repo, 'cxone-exports.config.yaml'), 'utf8')).toBe(`${before}# ours\n`);

    // The Action's install step on a fresh checkout: npm ci from the lock file, and the pinned command on the PATH.
    rmSync(join(repo, 'node_modules'), { recursive: true, force: true });
    const githubPath = join(scratch, 'github-path');
    writeFileSync(githubPath, '');
    const install = execFileSync(join(ROOT, '.github', 'scripts', 'action-install.sh'), {
      cwd: repo,
      encoding: 'utf8',
      env: {
        ...process.env,
        GITHUB_PATH: githubPath,
        RUNNER_TEMP: scratch,
        GITHUB_ACTION_PATH: ROOT,
        npm_config_prefer_offline: 'true',
      },
    });
    expect(install).toMatch(/^cxone-exports \d+\.\d+\.\d+, as package-lock\.json pins it\.$/m);
    expect(readFileSync(githubPath, 'utf8')).toBe(`${join(repo, 'node_modules', '.bin')}\n`);
    expect(
      execFileSync(join(repo, 'node_modules', '.bin', 'cxone-exports'), ['validate'], { cwd: repo, encoding: 'utf8' }),
    ).toContain('valid');
  }, 180_000);
});
