// Shared benchmark helpers: time fresh processes, read their peak RSS, and report medians.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RSS_HOOK = new URL('./report-rss.mjs', import.meta.url).pathname;

/** Runs `node ...args` `runs` times; returns wall times (ms) and peak RSS (MB) of each run. */
export function timeNode(args, { runs = 5, beforeEach = () => {}, ...options } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-bench-rss-'));
  const measured = { wallMs: [], rssMb: [] };
  try {
    for (let i = 0; i < runs; i++) {
      beforeEach(i);
      record(measured, runOnce(args, join(dir, `rss-${i}`), options));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return measured;
}

/**
 * Runs several commands in turn, one run of each per round, so a change in the machine's speed during the
 * measurement (another process, the disk) weighs on all of them alike; returns each one's wall times and RSS.
 * `beforeEach(command, run)` prepares each run.
 */
export function timeNodeInterleaved(commands, { runs = 10, beforeEach = () => {}, ...options } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-bench-rss-'));
  const measured = commands.map(() => ({ wallMs: [], rssMb: [] }));
  try {
    for (let i = 0; i < runs; i++) {
      commands.forEach((args, c) => {
        beforeEach(c, i);
        record(measured[c], runOnce(args, join(dir, `rss-${c}-${i}`), options));
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return measured;
}

function record(measured, run) {
  measured.wallMs.push(run.wallMs);
  measured.rssMb.push(run.rssMb);
}

function runOnce(
  args,
  rssFile,
  {
    cwd = process.cwd(),
    expectCode = 0,
    discardStdout = false,
    unsetEnv = [],
    node = process.execPath,
    env: extra = {},
  } = {},
) {
  const env = { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1', ...extra };
  for (const name of unsetEnv) delete env[name];
  const started = process.hrtime.bigint();
  const result = spawnSync(node, ['--import', RSS_HOOK, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', discardStdout ? 'ignore' : 'pipe', 'pipe'],
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== expectCode)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${(result.stderr ?? '').slice(0, 2000)}`);
  return { wallMs, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(value, digits = 1) {
  return value.toFixed(digits);
}

/** Prints one figure line and returns whether it met its target. */
export function verdict(label, value, target, ok) {
  console.log(`  ${ok ? 'PASS' : 'MISS'}  ${label}: ${value} (target ${target})`);
  return ok;
}

/** Reads the NAME=value lines `cxone-exports sim` prints on stdout, and keeps draining it afterwards. */
export function simEnvironment(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk.toString();
      const lines = text.split('\n').filter(Boolean);
      if (text.endsWith('\n') && lines.length >= 6)
        resolve(Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2))));
    });
    child.once('exit', () => reject(new Error('the simulator exited before printing its environment')));
  });
}
