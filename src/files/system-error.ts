// The machine said no: a full disk, a permission, a file where a directory should be. These are not bugs in
// cxone-exports, so they are told as what happened to which file and what to do, never as a stack trace.

import { relative } from 'node:path';

const WHAT: Record<string, { text: string; hint: (path: string) => string }> = {
  ENOSPC: {
    text: 'no space left on the device',
    hint: (p) => `Free space on the file system that holds ${p}, then run the command again.`,
  },
  EDQUOT: {
    text: 'the disk quota is exhausted',
    hint: (p) => `Free space or raise the quota for ${p}, then run the command again.`,
  },
  EACCES: {
    text: 'permission denied',
    hint: (p) => `Check the owner and mode of ${p} (ls -ld ${p}); run as a user who may read and write it.`,
  },
  EPERM: { text: 'operation not permitted', hint: (p) => `Check the owner and mode of ${p} (ls -ld ${p}).` },
  EROFS: {
    text: 'the file system is read-only',
    hint: (p) => `Point stateDir at a writable directory, or remount the file system that holds ${p}.`,
  },
  ENOTDIR: {
    text: 'a part of the path is a file, not a directory',
    hint: () => 'Check exportsDir and stateDir in cxone-exports.config.yaml: each must name a directory.',
  },
  EISDIR: {
    text: 'it is a directory, not a file',
    hint: (p) => `Move the directory ${p} aside, or point the setting at a file.`,
  },
  EEXIST: {
    text: 'something else already exists there',
    hint: (p) => `Move ${p} aside, or check exportsDir and stateDir in cxone-exports.config.yaml.`,
  },
  ENOENT: { text: 'it does not exist', hint: (p) => `Check the path ${p}.` },
  ELOOP: { text: 'too many symbolic links', hint: (p) => `Check the symbolic links on the way to ${p}.` },
  EMFILE: {
    text: 'too many open files',
    hint: () => 'Raise the open-file limit (ulimit -n), or lower apply.concurrency.',
  },
  ENFILE: {
    text: 'the system has too many open files',
    hint: () => 'Close other programs, or raise the system-wide open-file limit.',
  },
  EIO: {
    text: 'an input/output error from the device',
    hint: (p) => `Check the disk that holds ${p}; its kernel log may say more.`,
  },
  EFBIG: {
    text: 'the file is too large for the file system',
    hint: (p) => `Move ${p} to a file system that allows larger files.`,
  },
};

export interface SystemErrorDescription {
  message: string;
  hint: string;
}

/**
 * A user-facing description when `error` is a system call that the machine refused, else undefined. Paths are
 * shown relative to `cwd` when it is given, else as the system call named them.
 */
export function describeSystemError(error: unknown, cwd?: string): SystemErrorDescription | undefined {
  const errno = findErrno(error);
  if (errno === undefined) return undefined;
  const what = WHAT[errno.code!];
  if (what === undefined) return undefined;
  const path = errno.path === undefined || cwd === undefined ? errno.path : displayPath(errno.path, cwd);
  const verb = verbFor(errno.syscall);
  const target = path === undefined ? '' : ` ${path}`;
  return {
    message: `cannot ${verb}${target}: ${what.text} (${errno.code})`,
    hint: `${what.hint(path ?? 'the file')}\nWhat was stored before this error is intact: state and audit are written whole or not at all.`,
  };
}

function findErrno(error: unknown): NodeJS.ErrnoException | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const candidate = current as NodeJS.ErrnoException;
    if (typeof candidate.code === 'string' && typeof candidate.syscall === 'string') return candidate;
  }
  return undefined;
}

function verbFor(syscall: string | undefined): string {
  switch (syscall) {
    case 'open':
    case 'read':
    case 'scandir':
    case 'stat':
    case 'lstat':
    case 'realpath':
      return syscall === 'scandir' ? 'list' : 'read';
    case 'write':
    case 'fsync':
    case 'fdatasync':
    case 'ftruncate':
      return 'write';
    case 'rename':
    case 'link':
    case 'unlink':
    case 'rm':
      return 'replace';
    case 'mkdir':
      return 'create the directory';
    default:
      return syscall === undefined ? 'use' : `${syscall}`;
  }
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
