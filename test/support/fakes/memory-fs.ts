// An in-memory FileSystem port that behaves like Linux does for an ordinary (non-root) user:
// POSIX paths, permission bits on directories and files, symlinks (lstat does not follow them,
// readFile/chmod/readdir do), EEXIST for an exclusive create even over a dangling symlink (the
// real port opens with O_EXCL|O_NOFOLLOW), ENOENT/ENOTDIR/EISDIR, and Node-shaped errors
// (`code`, `syscall`, `path`, "EACCES: permission denied, open '/x'").
//
// Faults are injected per operation: "the 2nd rename from now fails with EACCES", "writeNewFile
// writes 10 bytes and then fails with ENOSPC" (the partial file stays behind, as it would on
// disk), optionally only for paths that match. `gate` lets a test hold an operation of one caller
// until it chooses, to force a precise interleaving between concurrent callers.
import path from 'node:path';
import type { FileStat, FileSystem } from '../../../electron/core/ports.js';

export type FsOperation =
  | 'readFile'
  | 'lstat'
  | 'writeNewFile'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'chmod'
  | 'syncDirectory'
  | 'readdir';

export interface FaultSpec {
  op: FsOperation;
  /** errno code thrown, e.g. ENOSPC, EACCES, EROFS, EIO. */
  code: string;
  /** Fail the nth matching call counted from when the fault is added (1 = the next one). Default 1. */
  nth?: number;
  /** How many consecutive matching calls fail once the nth is reached. Default 1; Infinity = all. */
  times?: number;
  /** Only calls whose (first) path matches count. */
  path?: string | RegExp | ((p: string) => boolean);
  /** writeNewFile only: write this many bytes of the data, then fail (a full disk mid-write). */
  partialBytes?: number;
}

interface Fault extends Required<Omit<FaultSpec, 'path' | 'partialBytes'>> {
  path?: FaultSpec['path'];
  partialBytes?: number;
  seen: number;
  fired: number;
}

type Entry =
  | { kind: 'file'; data: Buffer; mode: number; mtimeMs: number }
  | { kind: 'dir'; mode: number; mtimeMs: number; children: Map<string, Entry> }
  | { kind: 'symlink'; target: string; mtimeMs: number };

type Dir = Extract<Entry, { kind: 'dir' }>;

const DESCRIPTIONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many symbolic links encountered',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'i/o error',
  EBUSY: 'resource busy or locked',
  EXDEV: 'cross-device link not permitted',
};

const SYSCALLS: Record<FsOperation, string> = {
  readFile: 'open',
  lstat: 'lstat',
  writeNewFile: 'open',
  rename: 'rename',
  unlink: 'unlink',
  mkdir: 'mkdir',
  chmod: 'chmod',
  syncDirectory: 'fsync',
  readdir: 'scandir',
};

export function fsError(code: string, syscall: string, file: string, dest?: string): NodeJS.ErrnoException {
  const where = dest === undefined ? `'${file}'` : `'${file}' -> '${dest}'`;
  const error: NodeJS.ErrnoException = new Error(
    `${code}: ${DESCRIPTIONS[code] ?? code.toLowerCase()}, ${syscall} ${where}`,
  );
  error.code = code;
  error.syscall = syscall;
  error.path = file;
  if (dest !== undefined) (error as NodeJS.ErrnoException & { dest?: string }).dest = dest;
  return error;
}

export interface MemoryFsOptions {
  /** mtime source; pass a FakeClock's `now` so lock ageing follows the test's clock. */
  now?: () => number;
  /** Root ignores permission bits (as on Linux); default false: behave like a normal user. */
  root?: boolean;
}

const normalize = (p: string): string => path.posix.resolve('/', p);

export class MemoryFileSystem implements FileSystem {
  private readonly rootDir: Dir;
  private readonly now: () => number;
  private readonly isRoot: boolean;
  private faults: Fault[] = [];
  /** Every call, in order: the operation and its (first) path. */
  readonly calls: { op: FsOperation; path: string }[] = [];
  /** Called before every operation runs; a test may return a promise to hold that operation. */
  gate: ((op: FsOperation, file: string) => void | Promise<void>) | undefined;

  constructor(options: MemoryFsOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.isRoot = options.root ?? false;
    this.rootDir = { kind: 'dir', mode: 0o755, mtimeMs: this.now(), children: new Map() };
  }

  // ---- test set-up and inspection (synchronous, never faulted) ---------------------------------

  /** Creates or replaces a regular file, making parent directories (0755) as needed. */
  put(file: string, data: Buffer | string, mode = 0o600): this {
    const { parent, name } = this.parentForSetup(file);
    parent.children.set(name, {
      kind: 'file',
      data: Buffer.from(data),
      mode,
      mtimeMs: this.now(),
    });
    return this;
  }

  mkdirp(dir: string, mode = 0o755): this {
    let current = this.rootDir;
    for (const part of normalize(dir).split('/').filter(Boolean)) {
      let next = current.children.get(part);
      if (!next) {
        next = { kind: 'dir', mode, mtimeMs: this.now(), children: new Map() };
        current.children.set(part, next);
      }
      if (next.kind !== 'dir') throw new Error(`memory-fs setup: ${part} in ${dir} is not a directory`);
      current = next;
    }
    return this;
  }

  symlink(target: string, linkPath: string): this {
    const { parent, name } = this.parentForSetup(linkPath);
    parent.children.set(name, { kind: 'symlink', target, mtimeMs: this.now() });
    return this;
  }

  /** Sets the mode of a file or directory without the fault or permission machinery. */
  setMode(file: string, mode: number): this {
    const entry = this.peekEntry(file);
    if (!entry || entry.kind === 'symlink') throw new Error(`memory-fs setup: no file or directory ${file}`);
    entry.mode = mode;
    return this;
  }

  /** Sets the mtime of an entry (ages a lock file). */
  setMtime(file: string, mtimeMs: number): this {
    const entry = this.peekEntry(file);
    if (!entry) throw new Error(`memory-fs setup: nothing at ${file}`);
    entry.mtimeMs = mtimeMs;
    return this;
  }

  /** The bytes of a regular file (not following a final symlink), or undefined. */
  peek(file: string): Buffer | undefined {
    const entry = this.peekEntry(file);
    return entry?.kind === 'file' ? Buffer.from(entry.data) : undefined;
  }

  modeOf(file: string): number | undefined {
    const entry = this.peekEntry(file);
    return entry && entry.kind !== 'symlink' ? entry.mode : undefined;
  }

  exists(file: string): boolean {
    return this.peekEntry(file) !== undefined;
  }

  /** Names in a directory, sorted, without the permission machinery. */
  list(dir: string): string[] {
    const entry = this.peekEntry(dir);
    if (entry?.kind !== 'dir') throw new Error(`memory-fs setup: ${dir} is not a directory`);
    return [...entry.children.keys()].sort();
  }

  // ---- fault injection ------------------------------------------------------------------------

  fail(spec: FaultSpec): this {
    this.faults.push({
      op: spec.op,
      code: spec.code,
      nth: spec.nth ?? 1,
      times: spec.times ?? 1,
      path: spec.path,
      partialBytes: spec.partialBytes,
      seen: 0,
      fired: 0,
    });
    return this;
  }

  clearFaults(): this {
    this.faults = [];
    return this;
  }

  // ---- the port -------------------------------------------------------------------------------

  async readFile(file: string): Promise<Buffer> {
    const p = await this.begin('readFile', file);
    const entry = this.resolve(p, 'open', true);
    if (!entry) throw fsError('ENOENT', 'open', p);
    if (entry.kind === 'dir') throw fsError('EISDIR', 'read', p);
    if (entry.kind !== 'file') throw fsError('ELOOP', 'open', p);
    if (!this.isRoot && (entry.mode & 0o400) === 0) throw fsError('EACCES', 'open', p);
    return Buffer.from(entry.data);
  }

  async lstat(file: string): Promise<FileStat | null> {
    const p = await this.begin('lstat', file);
    const entry = this.resolve(p, 'lstat', false);
    if (!entry) return null;
    return {
      isFile: entry.kind === 'file',
      isDirectory: entry.kind === 'dir',
      isSymbolicLink: entry.kind === 'symlink',
      // Linux reports 0777 for a symlink itself.
      mode: entry.kind === 'symlink' ? 0o777 : entry.mode,
      size:
        entry.kind === 'file'
          ? entry.data.length
          : entry.kind === 'symlink'
            ? Buffer.byteLength(entry.target)
            : 4096,
      mtimeMs: entry.mtimeMs,
      links: 1,
      ownedByMe: true,
    };
  }

  async writeNewFile(file: string, data: Buffer, mode: number): Promise<void> {
    const p = await this.begin('writeNewFile', file, data);
    const { parent, name } = this.parentOf(p, 'open');
    // O_EXCL|O_NOFOLLOW: anything at the name, even a dangling symlink, is in the way.
    if (parent.children.has(name)) throw fsError('EEXIST', 'open', p);
    this.requireWritable(parent, 'open', p);
    parent.children.set(name, {
      kind: 'file',
      data: Buffer.from(data),
      mode: mode & 0o7777,
      mtimeMs: this.now(),
    });
    parent.mtimeMs = this.now();
  }

  async rename(from: string, to: string): Promise<void> {
    const a = await this.begin('rename', from, undefined, to);
    const b = normalize(to);
    const source = this.parentOf(a, 'rename', b);
    const dest = this.parentOf(b, 'rename', a);
    const moving = source.parent.children.get(source.name);
    if (!moving) throw fsError('ENOENT', 'rename', a, b);
    this.requireWritable(source.parent, 'rename', a, b);
    this.requireWritable(dest.parent, 'rename', a, b);
    const existing = dest.parent.children.get(dest.name);
    if (existing === moving) return;
    if (existing?.kind === 'dir' && moving.kind !== 'dir') throw fsError('EISDIR', 'rename', a, b);
    if (existing && existing.kind !== 'dir' && moving.kind === 'dir')
      throw fsError('ENOTDIR', 'rename', a, b);
    if (existing?.kind === 'dir' && existing.children.size > 0) throw fsError('ENOTEMPTY', 'rename', a, b);
    if (moving.kind === 'dir' && (b === a || b.startsWith(`${a}/`))) throw fsError('EINVAL', 'rename', a, b);
    source.parent.children.delete(source.name);
    dest.parent.children.set(dest.name, moving);
    source.parent.mtimeMs = dest.parent.mtimeMs = this.now();
  }

  async unlink(file: string): Promise<void> {
    const p = await this.begin('unlink', file);
    const { parent, name } = this.parentOf(p, 'unlink');
    const entry = parent.children.get(name);
    if (!entry) throw fsError('ENOENT', 'unlink', p);
    if (entry.kind === 'dir') throw fsError('EISDIR', 'unlink', p);
    this.requireWritable(parent, 'unlink', p);
    parent.children.delete(name);
    parent.mtimeMs = this.now();
  }

  async mkdir(dir: string, mode: number): Promise<void> {
    // Like fs.mkdir(p, { recursive: true, mode }): existing directories are fine, files are not.
    const p = await this.begin('mkdir', dir);
    let current = this.rootDir;
    let walked = '';
    for (const part of p.split('/').filter(Boolean)) {
      walked += `/${part}`;
      if (!this.isRoot && (current.mode & 0o100) === 0) throw fsError('EACCES', 'mkdir', p);
      let next = current.children.get(part);
      if (next?.kind === 'symlink') next = this.resolve(walked, 'mkdir', true);
      if (!next) {
        this.requireWritable(current, 'mkdir', p);
        next = { kind: 'dir', mode: mode & 0o7777, mtimeMs: this.now(), children: new Map() };
        current.children.set(part, next);
        current.mtimeMs = this.now();
      }
      if (next.kind !== 'dir') throw fsError(walked === p ? 'EEXIST' : 'ENOTDIR', 'mkdir', p);
      current = next;
    }
  }

  async chmod(file: string, mode: number): Promise<void> {
    const p = await this.begin('chmod', file);
    const entry = this.resolve(p, 'chmod', true);
    if (!entry) throw fsError('ENOENT', 'chmod', p);
    if (entry.kind === 'symlink') throw fsError('ELOOP', 'chmod', p);
    entry.mode = mode & 0o7777;
  }

  async syncDirectory(dir: string): Promise<void> {
    const p = await this.begin('syncDirectory', dir);
    const entry = this.resolve(p, 'open', true);
    if (!entry) throw fsError('ENOENT', 'open', p);
  }

  async readdir(dir: string): Promise<string[]> {
    const p = await this.begin('readdir', dir);
    const entry = this.resolve(p, 'scandir', true);
    if (!entry) throw fsError('ENOENT', 'scandir', p);
    if (entry.kind !== 'dir') throw fsError('ENOTDIR', 'scandir', p);
    if (!this.isRoot && (entry.mode & 0o400) === 0) throw fsError('EACCES', 'scandir', p);
    return [...entry.children.keys()].sort();
  }

  // ---- internals ------------------------------------------------------------------------------

  /** Records the call, lets the gate hold it, yields once (so callers interleave), applies faults. */
  private async begin(op: FsOperation, file: string, data?: Buffer, dest?: string): Promise<string> {
    const p = normalize(file);
    this.calls.push({ op, path: p });
    await this.gate?.(op, p);
    await Promise.resolve();
    for (const fault of this.faults) {
      if (fault.op !== op || !matches(fault.path, p)) continue;
      fault.seen += 1;
      if (fault.seen < fault.nth || fault.fired >= fault.times) continue;
      fault.fired += 1;
      if (op === 'writeNewFile' && data && fault.partialBytes !== undefined) {
        // The file was created and part of the data reached it before the failure.
        const { parent, name } = this.parentOf(p, 'open');
        if (!parent.children.has(name)) {
          parent.children.set(name, {
            kind: 'file',
            data: Buffer.from(data.subarray(0, fault.partialBytes)),
            mode: 0o600,
            mtimeMs: this.now(),
          });
        }
        throw fsError(fault.code, 'write', p);
      }
      throw fsError(fault.code, SYSCALLS[op], p, dest === undefined ? undefined : normalize(dest));
    }
    return p;
  }

  private requireWritable(dir: Dir, syscall: string, p: string, dest?: string): void {
    if (!this.isRoot && (dir.mode & 0o300) !== 0o300) throw fsError('EACCES', syscall, p, dest);
  }

  /** Walks to `p`; intermediate symlinks are always followed, the final one only if `follow`. */
  private resolve(p: string, syscall: string, follow: boolean, depth = 0): Entry | undefined {
    if (depth > 40) throw fsError('ELOOP', syscall, p);
    const parts = p.split('/').filter(Boolean);
    let current: Entry = this.rootDir;
    let walked = '';
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] as string;
      if (current.kind !== 'dir') throw fsError('ENOTDIR', syscall, p);
      if (!this.isRoot && (current.mode & 0o100) === 0) throw fsError('EACCES', syscall, p);
      const next: Entry | undefined = current.children.get(part);
      if (!next) return undefined;
      const last = i === parts.length - 1;
      if (next.kind === 'symlink' && (!last || follow)) {
        const target = path.posix.resolve(walked || '/', next.target);
        const rest = parts.slice(i + 1).join('/');
        return this.resolve(rest ? `${target}/${rest}` : target, syscall, follow, depth + 1);
      }
      walked += `/${part}`;
      current = next;
    }
    return current;
  }

  private parentOf(p: string, syscall: string, dest?: string): { parent: Dir; name: string } {
    const dir = path.posix.dirname(p);
    const parent = this.resolve(dir, syscall, true);
    if (!parent) throw fsError('ENOENT', syscall, p, dest);
    if (parent.kind !== 'dir') throw fsError('ENOTDIR', syscall, p, dest);
    if (!this.isRoot && (parent.mode & 0o100) === 0) throw fsError('EACCES', syscall, p, dest);
    return { parent, name: path.posix.basename(p) };
  }

  private parentForSetup(file: string): { parent: Dir; name: string } {
    const p = normalize(file);
    this.mkdirp(path.posix.dirname(p));
    const parent = this.peekEntry(path.posix.dirname(p));
    if (parent?.kind !== 'dir') throw new Error(`memory-fs setup: no directory for ${file}`);
    return { parent, name: path.posix.basename(p) };
  }

  private peekEntry(file: string): Entry | undefined {
    let current: Entry = this.rootDir;
    for (const part of normalize(file).split('/').filter(Boolean)) {
      if (current.kind !== 'dir') return undefined;
      const next: Entry | undefined = current.children.get(part);
      if (!next) return undefined;
      current = next;
    }
    return current;
  }
}

function matches(pattern: FaultSpec['path'], p: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return normalize(pattern) === p;
  if (pattern instanceof RegExp) return pattern.test(p);
  return pattern(p);
}
