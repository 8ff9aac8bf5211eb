// A logger that keeps what a view wrote, stream by stream, for view tests: no terminal, no colour.

import type { Logger } from '../../src/cli/logger.js';

export interface RecordingLogger extends Logger {
  readonly written: { out: string[]; info: string[]; warn: string[]; error: string[]; debug: string[] };
}

export function recordingLogger(): RecordingLogger {
  const written = {
    out: [] as string[],
    info: [] as string[],
    warn: [] as string[],
    error: [] as string[],
    debug: [] as string[],
  };
  return {
    written,
    out: (text) => written.out.push(text),
    info: (text) => written.info.push(text),
    warn: (text) => written.warn.push(text),
    error: (text) => written.error.push(text),
    debug: (text) => written.debug.push(text),
  };
}
