// GitHub Actions, when the CLI runs inside it (GITHUB_ACTIONS=true): step outputs, the step summary, folded
// log groups and annotations. Every write is skipped outside Actions.

import { appendFileSync } from 'node:fs';

type Env = Readonly<Record<string, string | undefined>>;

export function inGitHubActions(env: Env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** `name=value` lines in $GITHUB_OUTPUT, for later steps (`steps.<id>.outputs.<name>`). */
export function setOutputs(env: Env, outputs: Record<string, string | number | boolean>): void {
  const file = env.GITHUB_OUTPUT;
  if (file === undefined || file === '') return;
  appendFileSync(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${String(value)}\n`)
      .join(''),
  );
}

/** Markdown appended to the job's summary page, kept under GitHub's 1 MiB limit; only rendered inside Actions. */
export function appendSummary(env: Env, render: () => string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file === undefined || file === '') return;
  const markdown = render();
  const cap = 1024 * 1024;
  appendFileSync(
    file,
    markdown.length > cap
      ? `${markdown.slice(0, cap - 200)}\n\n_(truncated at GitHub's 1 MiB summary limit)_\n`
      : markdown,
  );
}

/** An error annotation: shown on the run, and on the file's line in a pull request when one is given. */
export function errorAnnotation(title: string, message: string, at?: { file: string; line: number }): string {
  const where = at === undefined ? '' : `file=${escapeProperty(at.file)},line=${at.line},`;
  return `::error ${where}title=${escapeProperty(title)}::${escapeData(message)}`;
}

export function groupStart(title: string): string {
  return `::group::${escapeData(title)}`;
}

export const GROUP_END = '::endgroup::';

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
