// Replacing a user's file without ever leaving it half-written: write a temp file next to it
// (same file system, so rename is atomic), fsync, rename over, fsync the directory. Any failure
// removes the temp and leaves the original byte-identical. A symlink at the target is refused:
// following it would let someone redirect our write of a secret.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FileSystem } from '../ports.js';

export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  ENOENT: 'the directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'the path is a directory',
  ELOOP: 'the path is a symbolic link',
  EEXIST: 'a leftover temporary file is in the way',
};

export function describeFsError(error: unknown): { reason: string; code?: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return {
    reason: (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error)),
    code,
  };
}

export async function writeFileAtomic(
  fs: FileSystem,
  target: string,
  data: Buffer,
  options: { mode?: number } = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const existing = await fs.lstat(target).catch((error: unknown) => {
    throw new FileWriteError(
      `cannot write ${target}: ${describeFsError(error).reason}`,
      describeFsError(error).code,
    );
  });
  if (existing?.isSymbolicLink)
    throw new FileWriteError(
      `refusing to write ${target}: it is a symbolic link (replace it with a regular file)`,
      'ELOOP',
    );
  if (existing && !existing.isFile)
    throw new FileWriteError(`refusing to write ${target}: it is not a regular file`, 'EISDIR');

  const directory = path.dirname(target);
  const temp = path.join(
    directory,
    `.${path.basename(target)}.pgentra-${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await fs.writeNewFile(temp, data, mode);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    const { reason, code } = describeFsError(error);
    throw new FileWriteError(`cannot write ${target}: ${reason}; the previous file is unchanged`, code);
  }
  await fs.syncDirectory(directory).catch(() => undefined);
}
