// Asking a person to approve a plan at the terminal: only 'yes' approves; Ctrl-C or the end of input cancels.

import { ExitError, UsageError } from '../errors.js';
import { submissions } from '../plan/plan-model.js';
import type { Plan } from '../plan/plan-model.js';
import type { CommandContext } from './command-context.js';
import { exitCodeFor } from './signal-handlers.js';
import { readlinePromises } from '../on-first-use.js';

/** `environment`: named in the question when the config defines environments. */
export async function askApproval(
  ctx: Pick<CommandContext, 'logger' | 'io'>,
  plan: Plan,
  environment?: string,
): Promise<void> {
  const prompt = readlinePromises().createInterface({ input: ctx.io.stdin, output: ctx.io.stdout });
  // Ctrl-C at the prompt reaches readline (the terminal is in raw mode), not the process; Ctrl-D closes it.
  // Either way the answer never comes: the close settles the wait, so the process cannot hang on it.
  let interruptedAtPrompt = false;
  prompt.on('SIGINT', () => {
    interruptedAtPrompt = true;
    prompt.close();
  });
  const closed = new Promise<undefined>((resolveClosed) => prompt.once('close', () => resolveClosed(undefined)));
  const count = submissions(plan.summary);
  const answer = await Promise.race([
    prompt
      .question(
        `\nSubmit these ${count} executions${environment === undefined ? '' : ` to ${environment}`}? Only 'yes' is accepted: `,
      )
      .catch(() => undefined),
    closed,
  ]);
  prompt.close();
  if (answer === undefined) {
    ctx.io.stdout.write('\n');
    ctx.logger.warn(`Apply cancelled (${interruptedAtPrompt ? 'Ctrl-C' : 'end of input'}): nothing was submitted.`);
    throw new ExitError(exitCodeFor('SIGINT'));
  }
  if (answer.trim() !== 'yes')
    throw new UsageError('apply cancelled: nothing was submitted', {
      hint: "Type 'yes' to approve, or use --auto-approve in automation.",
    });
}
