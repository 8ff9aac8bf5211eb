import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, chainLines, signHead } from './audit-chain.js';
import type { AuditHead } from './audit-chain.js';
import type { AuditEvent } from './audit-event.js';
import { ChainVerifier } from './chain-verifier.js';
import type { VerifyOptions } from './chain-verifier.js';

const events = (count: number): AuditEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    timestamp: '2026-12-01T00:00:00.000Z',
    event: 'execution.completed',
    export: `e-${i}`,
    actor: 'test',
    runId: 'r',
    toolVersion: '1',
  }));

function verify(text: string, options: Partial<VerifyOptions> = {}, chunk = 7) {
  const verifier = new ChainVerifier({
    head: undefined,
    headCoversAll: false,
    scope: 'lineage-1',
    key: undefined,
    place: (line) => `line ${line}`,
    ...options,
  });
  // In small chunks, so lines straddle them as they do in a file read in pieces.
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += chunk) verifier.push(bytes.subarray(at, at + chunk));
  return verifier.end();
}

describe('the chain verifier', () => {
  const { text, head } = chainLines(events(5), EMPTY_HEAD);
  const lines = text.split('\n').slice(0, -1);
  const join = (l: string[]) => l.map((line) => `${line}\n`).join('');

  it('checks every line, whatever the chunks, and counts what the head does not cover yet', () => {
    for (const chunk of [1, 7, 64, 1 << 20])
      expect(verify(text, { head }, chunk)).toMatchObject({ lines: 5, uncovered: 0, problem: undefined });
    const early: AuditHead = { seq: 3, hash: chainLines(events(3), EMPTY_HEAD).head.hash };
    expect(verify(text, { head: early })).toMatchObject({ problem: undefined, uncovered: 2 });
    // Where the head moves with every line, lines after it were added from outside.
    expect(verify(text, { head: early, headCoversAll: true }).problem).toMatchObject({ kind: 'added', line: 4 });
  });

  it('counts lines before the chain as unchained, and finds its first lines missing', () => {
    const legacy = `${JSON.stringify(events(1)[0])}\n`;
    expect(verify(legacy + text, { head })).toMatchObject({ lines: 6, unchained: 1, problem: undefined });
    expect(verify(join(lines.slice(2)), { head }).problem).toMatchObject({ kind: 'removed', line: 1 });
  });

  it('names a torn last piece apart from the lines, and a chain that does not begin at the genesis hash', () => {
    expect(verify(`${text}{"seq":6,"pr`, { head })).toMatchObject({ partialBytes: 12, problem: undefined });
    const forged = lines[0]!.replace(/"prev":"0+"/, `"prev":"${'1'.repeat(64)}"`);
    expect(verify(join([forged, ...lines.slice(1)])).problem).toMatchObject({ kind: 'inserted', line: 1 });
  });

  it('proves a signed head with the key, and refuses another key or none', () => {
    const signed = signHead(head, 'lineage-1', 'k1');
    expect(verify(text, { head: signed, key: 'k1' })).toMatchObject({ signed: 'checked', problem: undefined });
    expect(verify(text, { head: signed })).toMatchObject({ signed: 'unchecked', problem: undefined });
    expect(verify(text, { head: signed, key: 'k2' }).problem?.kind).toBe('signature');
    expect(verify(text, { head: signHead(head, 'another-lineage', 'k1'), key: 'k1' }).problem?.kind).toBe('signature');
    expect(verify(text, { head, key: 'k1' }).problem?.message).toContain('not signed, though a key is set');
  });
});
