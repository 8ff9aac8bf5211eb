// The streams one environment of a run across several writes to: every line it prints names its environment,
// so tenants that run side by side can be told apart. Human lines get a prefix; JSON event lines (--json) get
// an `environment` field, and stay one JSON object per line.

import { Writable } from 'node:stream';
import type { CommandIo } from './command-io.js';

/** A line-buffered writer into `target`: whole lines only, each passed through `line`. */
class LineRewriter extends Writable {
  private partial = '';

  constructor(
    private readonly target: NodeJS.WritableStream,
    private readonly line: (text: string) => string,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : String(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    if (lines.length > 0) this.target.write(lines.map((l) => `${this.line(l)}\n`).join(''));
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.flushPartial();
    done();
  }

  /** Writes out a last line that never got its newline. */
  flushPartial(): void {
    if (this.partial !== '') this.target.write(`${this.line(this.partial)}\n`);
    this.partial = '';
  }
}

/** Adds the environment to a JSON event line; any other line is left as it is. */
function withEnvironmentField(environment: string): (line: string) => string {
  return (line) => {
    if (!line.startsWith('{')) return line;
    try {
      const event = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify({ ...event, environment });
    } catch {
      return line;
    }
  };
}

export interface EnvironmentIo extends CommandIo {
  /** Writes out what is still buffered (a last line without its newline). */
  flush(): void;
}

/** `io` for one environment: the same clock, input and working directory; output lines that name it. */
export function environmentIo(io: CommandIo, environment: string, json: boolean): EnvironmentIo {
  const human = (line: string) => (line === '' ? line : `${environment} │ ${line}`);
  const rewrite = json ? withEnvironmentField(environment) : human;
  const stdout = new LineRewriter(io.stdout, rewrite);
  // Problems stay human on stderr, with --json too.
  const stderr = new LineRewriter(io.stderr, human);
  return {
    cwd: io.cwd,
    env: io.env,
    clock: io.clock,
    stdin: io.stdin,
    stdout,
    stderr,
    flush: () => {
      stdout.flushPartial();
      stderr.flushPartial();
    },
  };
}
