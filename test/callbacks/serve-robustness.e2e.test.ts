// serve when things go wrong around it: a lock it cannot take, a client that never finishes, a damaged audit
// log, and a disk that fills before the shutdown fold.

import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../src/state/local/local-file-store.js';
import { completion, postCallback, repoWithQueuedExecutions } from '../support/receiver.js';
import { runCli } from '../support/run-cli.js';
import { freePort, SERVE_SECRET, startServe } from '../support/serve-process.js';
import { mountSmallDisk } from '../support/small-disk.js';

const foreignLock = {
  id: '7d0c2a4e-0000-4000-8000-000000000001',
  operation: 'apply',
  who: 'ci@runner-7',
  host: 'runner-7',
  pid: 4242,
  created: '2026-11-28T09:00:00.000Z',
  version: '0.1.0',
};

describe('serve under trouble', () => {
  it('says why it cannot record, counts it, and reports unhealthy until it can again', async () => {
    const { dir } = await repoWithQueuedExecutions(2);
    const lockPath = join(dir, '.cxone-exports', 'state.lock');
    writeFileSync(lockPath, JSON.stringify(foreignLock));
    const port = await freePort();
    const serve = await startServe(dir, port, {}, ['--lock-timeout', '0s']);
    const base = `http://127.0.0.1:${port}`;
    try {
      const refused = await postCallback(base, completion('exe-0'), { secret: SERVE_SECRET });
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('5');
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'failing' });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(
        /cxone_exports_record_failures_total\{environment="default"\} 1\n/,
      );
      expect(serve.stderrText()).toMatch(
        /callbacks could not be recorded.*the state is locked by apply \(lock 7d0c2a4e/,
      );

      // The holder finishes: the redelivery is recorded and the receiver is healthy again.
      await import('node:fs/promises').then((fs) => fs.rm(lockPath));
      expect((await postCallback(base, completion('exe-0'), { secret: SERVE_SECRET })).status).toBe(200);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
  });

  it('does not let a client that trickles its request hold the shutdown open', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const port = await freePort();
    const serve = await startServe(dir, port, {}, ['--shutdown-timeout', '1s']);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const body = JSON.stringify(completion('exe-0'));
    socket.write(
      `POST /webhook/cxone-callback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // One byte at a time, for as long as the socket stays open.
    const trickle = setInterval(() => socket.write(body[0]!), 100);
    let answered = '';
    socket.on('data', (chunk: Buffer) => (answered += chunk.toString()));
    // Not events.once: it rejects on the ECONNRESET that cutting the connection may give.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    try {
      serve.kill('SIGTERM');
      const [code] = (await once(serve, 'exit')) as [number | null];
      await closed;
      expect(code).toBe(0);
      expect(serve.stderrText()).toContain('Shutdown deadline reached');
      expect(answered).not.toContain('200 OK');
      expect(
        (await new LocalFileStore({ stateDir: join(dir, '.cxone-exports') }).read()).state.exports['export-0']!
          .lastExecution!.status,
      ).toBe('queued');
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it('starts on an audit log with a damaged line in its middle, and status reads one with a torn last line', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const auditPath = join(dir, '.cxone-exports', 'audit.jsonl');
    const good =
      '{"timestamp":"2026-11-28T10:00:00.000Z","event":"execution.completed","export":"export-0","executionId":"exe-9","status":"completed","rowsExported":1,"latencyMs":5,"formatValidated":true,"sanitizationApplied":false,"actor":"a","runId":"r","toolVersion":"0.1.0"}\n';
    writeFileSync(
      auditPath,
      `${good}{"event":"execution.completed" garbage\n${good.replace('exe-9', 'exe-8')}{"timestamp":"2026-11-28T10:0`,
    );
    const status = runCli(['status', '--json'], { cwd: dir });
    expect(status.stderr).toContain('1 line of .cxone-exports/audit.jsonl is not JSON and was skipped');
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { overall: { finished: number } }).overall.finished).toBe(2);

    const port = await freePort();
    const serve = await startServe(dir, port);
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(
        /cxone_exports_executions_total\{status="completed",environment="default"\} 2\n/,
      );
      expect(serve.stderrText()).toContain('the last line of audit.jsonl was torn by a crash');
      expect(readFileSync(`${auditPath}.torn`, 'utf8')).toBe('{"timestamp":"2026-11-28T10:0\n');
    } finally {
      serve.kill('SIGTERM');
      await once(serve, 'exit');
    }
  });

  it('on a full disk, the shutdown fold fails loudly and keeps every acknowledged event in the log', async () => {
    const disk = mountSmallDisk(1024 * 1024);
    const { dir } = await repoWithQueuedExecutions(40);
    const stateDir = join(disk.dir, 'state');
    mkdirSync(stateDir);
    for (const file of ['state.json'])
      writeFileSync(join(stateDir, file), readFileSync(join(dir, '.cxone-exports', file)));
    writeFileSync(join(dir, 'cxone-exports.config.yaml'), `stateDir: ${stateDir}\n`);
    const port = await freePort();
    const serve = await startServe(dir, port);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 40; i++)
      expect((await postCallback(base, completion(`exe-${i}`), { secret: SERVE_SECRET })).status).toBe(200);
    disk.fill(0);
    serve.kill('SIGTERM');
    const [code] = (await once(serve, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(serve.stderrText()).toMatch(/no space left on the device \(ENOSPC\)/);
    expect(serve.stderrText()).not.toMatch(/Internal error/);
    expect(existsSync(join(stateDir, 'state.wal'))).toBe(true);
    disk.free();
    const state = (await new LocalFileStore({ stateDir }).read()).state;
    for (let i = 0; i < 40; i++) expect(state.exports[`export-${i}`]!.lastExecution!.status).toBe('completed');
  });
});
