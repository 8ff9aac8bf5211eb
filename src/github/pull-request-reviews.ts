// Who approved the pull request a run acts on, read from GitHub's REST API where GitHub Actions runs the command
// (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_EVENT_PATH, GITHUB_SHA): on a pull request, its own
// reviews; on the push to main, the reviews of the pull request that merged the commit. A user approved when their
// latest review is APPROVED; a team approver is matched by an active membership. Anything it cannot read is said
// in one line and approves nothing (fail closed). The token never leaves the Authorization header.

import { fsPromises } from '../on-first-use.js';

type Variables = Readonly<Record<string, string | undefined>>;

/** Who approved, or why it cannot be known. */
export type ApprovalLookup = { approvedBy: string | null } | { missing: string };

export interface PullRequestReviews {
  /** The first of `approvers` (logins, `@org/team`) who approved, or null; or why that cannot be known. */
  approvedBy(approvers: readonly string[]): Promise<ApprovalLookup>;
}

interface Review {
  user: { login: string } | null;
  state: string;
}

export function pullRequestReviews(env: Variables, fetchImpl: typeof fetch = fetch): PullRequestReviews {
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY;
  const token = env.GITHUB_TOKEN;
  let approved: Promise<string[] | { missing: string }> | undefined;
  const memberships = new Map<string, Promise<boolean>>();

  const get = async (path: string): Promise<unknown> => {
    const response = await fetchImpl(`${api}${path}`, {
      headers: {
        Accept: 'application/vnd.github+json',
        Authorization: `Bearer ${token!}`,
        'X-GitHub-Api-Version': '2022-11-28',
      },
    });
    if (!response.ok) throw new Error(`GitHub answered ${response.status} to GET ${path.split('?')[0]!}`);
    return response.json();
  };

  /** The pull request: the event's own, or the one that merged the pushed commit. */
  const pullRequest = async (): Promise<number> => {
    const event = JSON.parse(await fsPromises().readFile(env.GITHUB_EVENT_PATH!, 'utf8')) as {
      pull_request?: { number: number };
    };
    if (event.pull_request !== undefined) return event.pull_request.number;
    const sha = env.GITHUB_SHA;
    if (sha === undefined) throw new Error('the run has neither a pull request nor a commit (GITHUB_SHA)');
    const pulls = (await get(`/repos/${repository!}/commits/${sha}/pulls`)) as {
      number: number;
      merged_at: string | null;
    }[];
    const merged = pulls.find((pull) => pull.merged_at !== null) ?? pulls[0];
    if (merged === undefined) throw new Error(`no pull request merged commit ${sha.slice(0, 12)}`);
    return merged.number;
  };

  /** The logins whose latest review is APPROVED. */
  const approvals = async (): Promise<string[] | { missing: string }> => {
    if (env.GITHUB_ACTIONS !== 'true') return { missing: 'not running in GitHub Actions, where the reviews are read' };
    if (repository === undefined || token === undefined || env.GITHUB_EVENT_PATH === undefined)
      return {
        missing: 'GITHUB_REPOSITORY, GITHUB_TOKEN or GITHUB_EVENT_PATH is not set, so the reviews cannot be read',
      };
    try {
      const number = await pullRequest();
      const latest = new Map<string, string>();
      for (let page = 1; page <= 10; page++) {
        const reviews = (await get(
          `/repos/${repository}/pulls/${number}/reviews?per_page=100&page=${page}`,
        )) as Review[];
        // In the order submitted: a later review replaces a user's earlier one; a comment changes no verdict.
        for (const review of reviews)
          if (review.user !== null && review.state !== 'COMMENTED') latest.set(review.user.login, review.state);
        if (reviews.length < 100) break;
      }
      return [...latest].filter(([, state]) => state === 'APPROVED').map(([login]) => login);
    } catch (error) {
      return { missing: `the reviews could not be read: ${(error as Error).message}` };
    }
  };

  const inTeam = (team: string, login: string): Promise<boolean> => {
    const key = `${team} ${login}`;
    let known = memberships.get(key);
    if (known === undefined) {
      const [org, slug] = team.slice(1).split('/') as [string, string];
      known = get(`/orgs/${org}/teams/${slug}/memberships/${login}`).then(
        (membership) => (membership as { state?: string }).state === 'active',
        () => false,
      );
      memberships.set(key, known);
    }
    return known;
  };

  return {
    approvedBy: async (approvers) => {
      const found = await (approved ??= approvals());
      if (!Array.isArray(found)) return found;
      for (const login of found)
        for (const approver of approvers)
          if (approver.startsWith('@') ? await inTeam(approver, login) : approver.toLowerCase() === login.toLowerCase())
            return { approvedBy: login };
      return { approvedBy: null };
    },
  };
}
