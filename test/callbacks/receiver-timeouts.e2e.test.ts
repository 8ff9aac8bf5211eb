// The receiver's timeouts take seconds by design (Node's header timeout is 5 s), so they run with the end-to-end
// tests rather than in the fast unit loop.

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PATH, repoWithQueuedExecutions, startReceiver } from '../support/receiver.js';

const SECRET = 'whsec-current';

describe('the receiver under a slow client', () => {
  it('cuts off a slowloris connection', async () => {
    const { dir } = await repoWithQueuedExecutions(1);
    const { url } = await startReceiver(dir, { secrets: [SECRET] });
    const { port } = new URL(url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST ${PATH} HTTP/1.1\r\nHost: x\r\n`);
        const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 500);
        // Writing into a connection the server has cut fails; that is the point.
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(drip);
          resolve(Date.now() - started);
        });
      });
    });
    expect(closedAfter).toBeLessThan(8000);
  });
});
