// Approval rules (issue 38): a change a rule names needs the approval of a listed user or team member, read from
// the pull request's reviews on GitHub's API (a fake one on loopback). Fail closed: outside GitHub, or when the API
// fails, there is no approval. `--override-policy` lets one approval rule through, audited.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRepo, command, readAudit } from '../support/apply-repo.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { startSimulator } from '../support/simulator.js';

const RULE = `apply:
  spacingMs: 0
policies:
  - name: recordings-need-compliance
    description: call recordings need the compliance officer
    level: approval
    approvers: [dana, '@acme/compliance']
    when: change.spec.datasetId == "ds-recordings"
`;

async function setUp() {
  const sim = await startSimulator();
  const dir = applyRepo({ exports: { recordings: 'da-1' }, config: RULE });
  const file = join(dir, 'exports', 'recordings.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('datasetId: ds-1', 'datasetId: ds-recordings'));
  const github = await startFakeGitHub({
    token: 'ghs_test_token',
    reviews: { 7: [{ login: 'eve', state: 'APPROVED' }] },
    commits: { abc123: [{ number: 7, merged_at: '2026-12-01T10:00:00Z' }] },
    teams: { 'acme/compliance': ['carol'] },
  });
  // The push to main that apply runs on: no pull request in the event, the merge commit's sha.
  const events = mkdtempSync(join(tmpdir(), 'cxone-gh-event-'));
  writeFileSync(join(events, 'push.json'), JSON.stringify({ ref: 'refs/heads/main' }));
  writeFileSync(join(events, 'pr.json'), JSON.stringify({ pull_request: { number: 7 } }));
  const actions = (event: 'push' | 'pr') => ({
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/exports',
    GITHUB_TOKEN: 'ghs_test_token',
    GITHUB_EVENT_PATH: join(events, `${event}.json`),
    GITHUB_EVENT_NAME: event === 'pr' ? 'pull_request' : 'push',
    GITHUB_SHA: 'abc123',
    GITHUB_ACTOR: 'octocat',
  });
  return { sim, dir, github, run: command(sim, dir), actions };
}

describe('approval rules', () => {
  it('refuse the apply outside GitHub and without a listed approver; a team member approving lets it through once', async () => {
    const { sim, dir, github, run, actions } = await setUp();
    const local = await run(['plan']);
    expect(local.code).toBe(0);
    expect(local.stdout).toContain(
      'needs an approval by dana or @acme/compliance (not running in GitHub Actions, where the reviews are read)',
    );
    const outside = await run(['apply', '--auto-approve']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain(
      'recordings-need-compliance on recordings: needs an approval by dana or @acme/compliance',
    );
    // Merged with eve's approval only: eve is not listed.
    const merged = await run(['apply', '--auto-approve'], { env: actions('push') });
    expect(merged.code).toBe(1);
    expect(sim.record().executions).toHaveLength(0);
    // On the pull request, the plan check is red while the approval is missing.
    const check = await run(['plan'], { env: actions('pr') });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('✖ approval needed');

    github.state.reviews[7]!.push({ login: 'carol', state: 'APPROVED' });
    const approved = await run(['apply', '--auto-approve'], { env: actions('push') });
    expect(approved.code, approved.stderr).toBe(0);
    expect(sim.record().executions).toHaveLength(1);
    expect(readAudit(dir).find((e) => e.event === 'policy.decision')).toMatchObject({
      policy: 'recordings-need-compliance',
      level: 'approval',
      decision: 'approved',
      approver: 'carol',
      export: 'recordings',
    });
    expect(github.requests).toContain('GET /repos/acme/exports/commits/abc123/pulls');
    expect(github.requests).toContain('GET /orgs/acme/teams/compliance/memberships/carol');
    expect((await run(['apply', '--auto-approve'], { env: actions('push') })).stdout).toContain('No changes.');
    expect(sim.record().executions).toHaveLength(1);
  });

  it('treat an API error as no approval, say so, and let one rule through only with an audited override', async () => {
    const { sim, dir, github, run, actions } = await setUp();
    github.state.reviews[7] = [{ login: 'dana', state: 'APPROVED' }];
    github.state.failing = true;
    const failed = await run(['apply', '--auto-approve'], { env: actions('push') });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'the reviews could not be read: GitHub answered 500 to GET /repos/acme/exports/commits/abc123/pulls',
    );
    expect(failed.stderr).not.toContain('ghs_test_token');
    expect(sim.record().executions).toHaveLength(0);

    const halfOverride = await run(['apply', '--auto-approve', '--override-policy', 'recordings-need-compliance']);
    expect(halfOverride.code).toBe(1);
    expect(halfOverride.stderr).toContain('--override-policy and --reason go together');
    const typo = await run(['apply', '--auto-approve', '--override-policy', 'recordings', '--reason', 'x']);
    expect(typo.stderr).toContain('--override-policy recordings names no policy of this environment');
    const overridden = await run(
      [
        'apply',
        '--auto-approve',
        '--override-policy',
        'recordings-need-compliance',
        '--reason',
        'INC-42: the officer approved by phone',
      ],
      { env: { ...actions('push'), GITHUB_ACTOR: 'octocat' } },
    );
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(sim.record().executions).toHaveLength(1);
    expect(readAudit(dir).find((e) => e.event === 'policy.decision')).toMatchObject({
      decision: 'overridden',
      reason: 'INC-42: the officer approved by phone',
      approver: 'octocat',
    });
  });
});
