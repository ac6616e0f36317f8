// A process that dies mid-write, over the in-memory file system: every call is counted, and at the
// chosen call the process "dies" — that call never happens (or, for writeNewFile, only its first
// `partialBytes` reach the disk, via MemoryFileSystem.fail) and every later call, including the
// writer's own clean-up, does nothing. The disk is left exactly as a kill -9 at that point would
// leave it, for the next process to find.
import type { FileStat, FileSystem } from '../../../electron/core/ports.js';
import type { FsOperation, MemoryFileSystem } from './memory-fs.js';

export interface CrashPoint {
  /** 0-based index of the call the process dies at. */
  call: number;
  /** writeNewFile only: bytes of the data written before the death. */
  partialBytes?: number;
}

export interface TracedCall {
  op: FsOperation;
  path: string;
  /** writeNewFile: bytes it writes. */
  size?: number;
}

export class ProcessDied extends Error {
  constructor() {
    super('the process died here');
  }
}

export class CrashingFileSystem implements FileSystem {
  readonly trace: TracedCall[] = [];
  private dead = false;

  constructor(
    private readonly disk: MemoryFileSystem,
    private readonly point?: CrashPoint,
  ) {}

  private async step<T>(call: TracedCall, run: () => Promise<T>): Promise<T> {
    if (this.dead) throw new ProcessDied();
    const index = this.trace.length;
    this.trace.push(call);
    if (this.point?.call === index) {
      this.dead = true;
      if (call.op === 'writeNewFile' && this.point.partialBytes !== undefined) {
        this.disk.fail({ op: 'writeNewFile', code: 'EIO', partialBytes: this.point.partialBytes });
        await run().catch(() => undefined);
        this.disk.clearFaults();
      }
      throw new ProcessDied();
    }
    return run();
  }

  readFile = (p: string): Promise<Buffer> =>
    this.step({ op: 'readFile', path: p }, () => this.disk.readFile(p));
  lstat = (p: string): Promise<FileStat | null> =>
    this.step({ op: 'lstat', path: p }, () => this.disk.lstat(p));
  writeNewFile = (p: string, data: Buffer, mode: number): Promise<void> =>
    this.step({ op: 'writeNewFile', path: p, size: data.length }, () =>
      this.disk.writeNewFile(p, data, mode),
    );
  rename = (from: string, to: string): Promise<void> =>
    this.step({ op: 'rename', path: from }, () => this.disk.rename(from, to));
  unlink = (p: string): Promise<void> => this.step({ op: 'unlink', path: p }, () => this.disk.unlink(p));
  mkdir = (p: string, mode: number): Promise<void> =>
    this.step({ op: 'mkdir', path: p }, () => this.disk.mkdir(p, mode));
  chmod = (p: string, mode: number): Promise<void> =>
    this.step({ op: 'chmod', path: p }, () => this.disk.chmod(p, mode));
  syncDirectory = (p: string): Promise<void> =>
    this.step({ op: 'syncDirectory', path: p }, () => this.disk.syncDirectory(p));
  readdir = (p: string): Promise<string[]> =>
    this.step({ op: 'readdir', path: p }, () => this.disk.readdir(p));
}

/**
 * Every crash point of a traced write: before each call, and inside each writeNewFile after
 * `partials(size)` bytes. The caller picks the byte counts (all of them for the full sweep).
 */
export function crashPoints(
  trace: readonly TracedCall[],
  partials: (size: number, call: number) => number[],
): CrashPoint[] {
  const points: CrashPoint[] = [];
  trace.forEach((call, index) => {
    points.push({ call: index });
    if (call.op === 'writeNewFile' && call.size !== undefined)
      for (const partialBytes of partials(call.size, index)) points.push({ call: index, partialBytes });
  });
  return points;
}
