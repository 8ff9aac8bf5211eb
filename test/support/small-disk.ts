// A real, small file system to fill: a tmpfs mounted for one test and unmounted after it. The tests run as root
// (locally and in CI), which mounting needs.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

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
  // Unmounted when the test that mounted it finishes (a module-wide hook ran for a worker's first file only).
  onTestFinished(() => {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
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
