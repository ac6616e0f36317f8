// A FileSystem port that only records what the launch code writes (the macOS script and its
// directory, with their modes); reads see exactly that and nothing else.
import type { FileStat, FileSystem } from '../../../electron/core/ports.js';

/** A plain file or directory, owned by the user, with one link. */
export function fakeStat(kind: 'file' | 'directory', mode: number): FileStat {
  return {
    isFile: kind === 'file',
    isDirectory: kind === 'directory',
    isSymbolicLink: false,
    mode,
    size: 0,
    mtimeMs: 0,
    links: 1,
    ownedByMe: true,
  };
}

/** Records what the launch code does to the file system (the macOS script). */
export function recordingFs(): FileSystem & {
  files: Map<string, { data: string; mode: number }>;
  dirs: Map<string, number>;
} {
  const files = new Map<string, { data: string; mode: number }>();
  const dirs = new Map<string, number>();
  return {
    files,
    dirs,
    readFile: async (file) => Buffer.from(files.get(file)?.data ?? ''),
    lstat: async (file) =>
      dirs.has(file)
        ? fakeStat('directory', dirs.get(file) ?? 0)
        : files.has(file)
          ? fakeStat('file', files.get(file)?.mode ?? 0)
          : null,
    writeNewFile: async (file, data, mode) => {
      if (files.has(file)) throw new Error('EEXIST');
      files.set(file, { data: data.toString('utf8'), mode });
    },
    rename: async () => undefined,
    unlink: async (file) => void files.delete(file),
    mkdir: async (dir, mode) => void dirs.set(dir, mode),
    chmod: async (file, mode) => void dirs.set(file, mode),
    syncDirectory: async () => undefined,
    readdir: async () => [],
  };
}
