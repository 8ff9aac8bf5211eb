// `npm start`: the main job, end to end, on this machine only. The bundled exports/ are planned and applied
// against the embedded CXone simulator, the executions run to completion, and a second plan shows no changes.
// It works in a scratch copy, so the repository's own state is never touched.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditEvent } from '../audit/audit-event.js';
import { CxoneSimulator } from '../simulator/cxone-simulator.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function banner(text: string): void {
  process.stdout.write(`\n\u001b[1m━━ ${text}\u001b[0m\n`);
}

/** Runs the CLI as a user would. Asynchronously: the simulator in this process must keep answering. */
async function run(args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  process.stdout.write(`\u001b[2m$ cxone-exports ${args.join(' ')}\u001b[0m\n`);
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code ?? 1;
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'cxone-exports-demo-'));
  cpSync(join(repo, 'exports'), join(work, 'exports'), { recursive: true });
  // The bundled config, with the short pacing a simulator allows.
  writeFileSync(join(work, 'cxone-exports.config.yaml'), `${readFileSync(join(repo, 'cxone-exports.config.yaml'), 'utf8')}\n`);
  const simulator = new CxoneSimulator({ lifecycle: { minDurationMs: 500, msPerMillionRows: 400, failureRate: 0 } });
  const url = await simulator.start();
  const { credentials } = simulator.options;
  const env = { CXONE_AUTH_URL: url, CXONE_API_URL: url, CXONE_CLIENT_ID: credentials.clientId, CXONE_CLIENT_SECRET: credentials.clientSecret };
  try {
    banner(`cxone-exports main job: the bundled exports/ against the CXone simulator at ${url}`);
    process.stdout.write(`Working copy: ${work}\n`);
    const steps: [string, string[]][] = [
      ['1. Validate the definitions', ['validate']],
      ['2. Plan: what would run', ['plan']],
      ['3. Apply, and wait for the executions to finish', ['apply', '--auto-approve', '--wait', '--wait-timeout', '2m']],
      ['4. The state that results', ['state', 'list']],
      ['5. Plan again: nothing left to do', ['plan', '--detailed-exitcode']],
    ];
    for (const [title, args] of steps) {
      banner(title);
      const code = await run(args, work, env);
      if (code !== 0) {
        process.stderr.write(`\nThe main job stopped: \`cxone-exports ${args.join(' ')}\` exited ${code}.\n`);
        return code;
      }
    }
    banner('6. The audit log written beside the state');
    const audit = readFileSync(join(work, '.cxone-exports', 'audit.jsonl'), 'utf8').trim().split('\n');
    for (const line of audit) {
      const event = JSON.parse(line) as AuditEvent;
      process.stdout.write(`${event.timestamp}  ${event.event.padEnd(20)} ${(event.export ?? '').padEnd(28)} ${event.status ?? ''} ${event.rowsExported == null ? '' : `${event.rowsExported} rows`}\n`);
    }
    const record = simulator.record();
    process.stdout.write(`\n${audit.length} audit lines in ${join(work, '.cxone-exports', 'audit.jsonl')}; the simulator received ${record.requests.length} requests and ran ${record.executions.length} executions.\n`);
    return 0;
  } finally {
    await simulator.stop();
  }
}

process.exitCode = await main();
