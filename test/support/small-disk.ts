// A real, small file system to fill: a tmpfs mounted for one test and unmounted after it. The tests run as root
// (locally and in CI), which mounting needs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const mounted: string[] = [];
afterEach(() => {
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

export interface SmallDisk {
  dir: string;
  /** Fills the disk until only `leaveBytes` (rounded down to whole pages) are free. */
  fill(leaveBytes: number): void;
  /** Frees what `fill` took. */
  free(): void;
  available(): number;
}

export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'cxone-exports-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  mounted.push(dir);
  const filler = join(dir, '.filler');
  const available = () => {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    available,
    fill(leaveBytes) {
      const take = available() - leaveBytes;
      if (take > 0) writeFileSync(filler, Buffer.alloc(take));
    },
    free() {
      rmSync(filler, { force: true });
    },
  };
}
