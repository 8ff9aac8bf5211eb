// GitHub's REST API as the approval rules read it, on loopback: a pull request's reviews, the pull requests of a
// commit, and team memberships; a request without the token is refused, and `failing` answers 500 to everything.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

export interface FakeGitHubState {
  token: string;
  /** Reviews by pull request number, in the order submitted. */
  reviews: Record<number, { login: string; state: string }[]>;
  /** The pull requests of a commit, by sha. */
  commits: Record<string, { number: number; merged_at: string | null }[]>;
  /** Active team members, by `org/team`. */
  teams: Record<string, string[]>;
  failing?: boolean;
}

export async function startFakeGitHub(state: FakeGitHubState) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://github');
    requests.push(`${req.method} ${url.pathname}`);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${state.token}`) return answer(401, { message: 'Bad credentials' });
    if (state.failing === true) return answer(500, { message: 'Server Error' });
    let match = /^\/repos\/[^/]+\/[^/]+\/pulls\/(\d+)\/reviews$/.exec(url.pathname);
    if (match !== null) {
      const page = Number(url.searchParams.get('page') ?? '1');
      const all = (state.reviews[Number(match[1])] ?? []).map((r) => ({ user: { login: r.login }, state: r.state }));
      return answer(200, all.slice((page - 1) * 100, page * 100));
    }
    match = /^\/repos\/[^/]+\/[^/]+\/commits\/([0-9a-f]+)\/pulls$/.exec(url.pathname);
    if (match !== null) return answer(200, state.commits[match[1]!] ?? []);
    match = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(url.pathname);
    if (match !== null)
      return (state.teams[`${match[1]}/${match[2]}`] ?? []).includes(match[3]!)
        ? answer(200, { state: 'active', role: 'member' })
        : answer(404, { message: 'Not Found' });
    return answer(404, { message: 'Not Found' });
  });
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, state };
}
