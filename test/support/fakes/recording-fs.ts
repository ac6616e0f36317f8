// A FileSystem port that only records what the launch code writes (the macOS script and its
// directory, with their modes); reads see exactly that and nothing else.
import type { FileStat, FileSystem } from '../../../electron/core/ports.js';

/** Records what the launch code does to the file system (the macOS script). */
export function recordingFs(): FileSystem & {
  files: Map<string, { data: string; mode: number }>;
  dirs: Map<string, number>;
} {
  const files = new Map<string, { data: string; mode: number }>();
  const dirs = new Map<string, number>();
  const stat = (mode: number, isDirectory: boolean): FileStat => ({
    isFile: !isDirectory,
    isDirectory,
    isSymbolicLink: false,
    mode,
    size: 0,
    mtimeMs: 0,
    links: 1,
    ownedByMe: true,
  });
  return {
    files,
    dirs,
    readFile: async (file) => Buffer.from(files.get(file)?.data ?? ''),
    lstat: async (file) =>
      dirs.has(file)
        ? stat(dirs.get(file) ?? 0, true)
        : files.has(file)
          ? stat(files.get(file)?.mode ?? 0, false)
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
