// The cross-process file lock: one holder at a time, a crashed holder (dead pid, or holding far
// too long) never wedges the next process, and a timeout says who holds the lock.
import { describe, expect, it } from 'vitest';
import { acquireFileLock, LockTimeoutError, withFileLock } from '../../../../electron/core/files/lock.js';
import type { FileSystem } from '../../../../electron/core/ports.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem, type FsOperation } from '../../../support/fakes/memory-fs.js';

const LOCK = '/home/alice/.pgpass.pgentra-lock';
const HOST = 'workstation';

function setup() {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp('/home/alice', 0o700);
  return { clock, fs };
}

/** Advances fake time in small steps until the promise settles (or a generous limit is hit). */
async function drive<T>(clock: FakeClock, promise: Promise<T>, limitMs = 120_000): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let t = 0; !settled && t < limitMs; t += 5) await clock.advance(5);
  return tracked;
}

function holderFile(pid: number, since: number, host = HOST): string {
  return JSON.stringify({ pid, host, since });
}

/** A caller's own view of a shared file system, with its own gate (another process). */
function viewOf(
  fs: MemoryFileSystem,
  gate: (op: FsOperation, file: string) => void | Promise<void>,
): FileSystem {
  return {
    readFile: async (p) => (await gate('readFile', p), fs.readFile(p)),
    lstat: async (p) => (await gate('lstat', p), fs.lstat(p)),
    writeNewFile: async (p, d, m) => (await gate('writeNewFile', p), fs.writeNewFile(p, d, m)),
    rename: async (a, b) => (await gate('rename', a), fs.rename(a, b)),
    unlink: async (p) => (await gate('unlink', p), fs.unlink(p)),
    mkdir: async (p, m) => (await gate('mkdir', p), fs.mkdir(p, m)),
    chmod: async (p, m) => (await gate('chmod', p), fs.chmod(p, m)),
    syncDirectory: async (p) => (await gate('syncDirectory', p), fs.syncDirectory(p)),
    readdir: async (p) => (await gate('readdir', p), fs.readdir(p)),
  };
}

describe('acquireFileLock', () => {
  it('creates a 0600 lock file naming this process, and release removes it', async () => {
    const { clock, fs } = setup();
    const release = await acquireFileLock(fs, LOCK, { clock, pid: 1234, hostname: HOST });
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 1234, host: HOST });
    expect(fs.modeOf(LOCK)).toBe(0o600);
    await release();
    await release();
    expect(fs.exists(LOCK)).toBe(false);
  });

  it('two concurrent holders never overlap, and both get their turn', async () => {
    const { clock, fs } = setup();
    const inside = new Set<string>();
    const log: string[] = [];
    let overlaps = 0;
    const holder = (name: string, pid: number) =>
      withFileLock(
        fs,
        LOCK,
        async () => {
          inside.add(name);
          if (inside.size > 1) overlaps += 1;
          log.push(`${name} in`);
          await new Promise<void>((resolve) => clock.setTimeout(resolve, 300));
          log.push(`${name} out`);
          inside.delete(name);
          return name;
        },
        { clock, pid, hostname: HOST, isProcessAlive: () => true },
      );
    const both = Promise.all([holder('tray', 100), holder('cli', 200)]);
    expect(await drive(clock, both)).toEqual(['tray', 'cli']);
    expect(overlaps).toBe(0);
    expect(log).toEqual(['tray in', 'tray out', 'cli in', 'cli out']);
    expect(fs.exists(LOCK)).toBe(false);
  });

  it('eight concurrent read-modify-write holders lose no update', async () => {
    const { clock, fs } = setup();
    fs.put('/home/alice/counter', '0');
    const bump = (pid: number) =>
      withFileLock(
        fs,
        LOCK,
        async () => {
          const value = Number((await fs.readFile('/home/alice/counter')).toString());
          await new Promise<void>((resolve) => clock.setTimeout(resolve, 20));
          fs.put('/home/alice/counter', String(value + 1));
        },
        { clock, pid, hostname: HOST, isProcessAlive: () => true },
      );
    await drive(clock, Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(bump)));
    expect(fs.peek('/home/alice/counter')?.toString()).toBe('8');
  });

  it('takes over the lock of a holder whose pid is gone on this host, without waiting', async () => {
    const { clock, fs } = setup();
    fs.put(LOCK, holderFile(4242, clock.now()));
    const release = await acquireFileLock(fs, LOCK, {
      clock,
      pid: 1,
      hostname: HOST,
      isProcessAlive: (pid) => pid !== 4242,
    });
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 1 });
    await release();
  });

  it('does not judge a pid from another host by this host’s process table', async () => {
    const { clock, fs } = setup();
    fs.put(LOCK, holderFile(4242, clock.now(), 'other-machine'));
    const attempt = acquireFileLock(fs, LOCK, {
      clock,
      pid: 1,
      hostname: HOST,
      timeoutMs: 2_000,
      isProcessAlive: () => false,
    });
    await expect(drive(clock, attempt)).rejects.toThrow(/pid 4242/);
  });

  it('takes over a lock held longer than staleMs even if the pid is alive (a hung holder)', async () => {
    const { clock, fs } = setup();
    fs.put(LOCK, holderFile(777, clock.now() - 31_000));
    const release = await drive(
      clock,
      acquireFileLock(fs, LOCK, {
        clock,
        pid: 1,
        hostname: HOST,
        staleMs: 30_000,
        isProcessAlive: () => true,
      }),
    );
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 1 });
    await release();
  });

  it('waits for a live holder and gets the lock as soon as it is released', async () => {
    const { clock, fs } = setup();
    const first = await acquireFileLock(fs, LOCK, { clock, pid: 10, hostname: HOST });
    let second: (() => Promise<void>) | undefined;
    const waiting = acquireFileLock(fs, LOCK, {
      clock,
      pid: 20,
      hostname: HOST,
      isProcessAlive: () => true,
    }).then((release) => (second = release));
    await clock.advance(3_000);
    expect(second).toBeUndefined();
    await first();
    await drive(clock, waiting);
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 20 });
  });

  it('times out after timeoutMs with an error naming the lock file and the holder pid', async () => {
    const { clock, fs } = setup();
    fs.put(LOCK, holderFile(31337, clock.now()));
    const started = clock.monotonic();
    const attempt = acquireFileLock(fs, LOCK, {
      clock,
      pid: 1,
      hostname: HOST,
      timeoutMs: 10_000,
      isProcessAlive: () => true,
    });
    const error = await drive(clock, attempt).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as Error).message).toContain(LOCK);
    expect((error as Error).message).toContain('pid 31337');
    const waited = clock.monotonic() - started;
    expect(waited).toBeGreaterThanOrEqual(10_000);
    expect(waited).toBeLessThan(10_500);
    // The holder's lock is untouched.
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 31337 });
  });

  it('an unreadable lock file is respected while fresh and taken over once it is old', async () => {
    const { clock, fs } = setup();
    fs.put(LOCK, ''); // a holder crashed between creating the file and writing it
    const attempt = acquireFileLock(fs, LOCK, { clock, pid: 1, hostname: HOST, staleMs: 60_000 });
    let done = false;
    void attempt.then(() => (done = true));
    await clock.advance(3_000);
    expect(done).toBe(false);
    const release = await drive(clock, attempt);
    expect(clock.monotonic()).toBeGreaterThan(1_000_000 + 5_000);
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 1 });
    await release();
  });

  it('a file-system error other than EEXIST is reported, not retried forever', async () => {
    const { clock, fs } = setup();
    fs.setMode('/home/alice', 0o500);
    const error = await acquireFileLock(fs, LOCK, { clock, pid: 1, hostname: HOST }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(LOCK);
    expect(error?.message).toContain('permission denied');
    expect(clock.pendingTimers).toBe(0);
  });

  it('two waiters taking over the same dead holder’s lock do not both get it', async () => {
    const { clock, fs } = setup();
    fs.put(LOCK, holderFile(4242, clock.now()));
    const inside = new Set<string>();
    let overlaps = 0;
    let firstAcquired: () => void = () => undefined;
    const someoneAcquired = new Promise<void>((resolve) => (firstAcquired = resolve));
    let held = false;
    // B is slow: it decided the lock is stale, but its unlink only reaches the disk after the
    // other waiter has already taken the lock over (the window a stale-takeover must survive).
    const slowGate = async (op: FsOperation, file: string) => {
      if (op === 'unlink' && file === LOCK && !held) {
        held = true;
        await Promise.race([someoneAcquired, new Promise<void>((r) => clock.setTimeout(r, 1_000))]);
      }
    };
    const run = (name: string, pid: number, view: FileSystem) =>
      withFileLock(
        view,
        LOCK,
        async () => {
          inside.add(name);
          if (inside.size > 1) overlaps += 1;
          firstAcquired();
          await new Promise<void>((resolve) => clock.setTimeout(resolve, 500));
          inside.delete(name);
        },
        { clock, pid, hostname: HOST, isProcessAlive: (p) => p !== 4242 },
      );
    await drive(
      clock,
      Promise.all([
        run(
          'A',
          1,
          viewOf(fs, () => undefined),
        ),
        run('B', 2, viewOf(fs, slowGate)),
      ]),
    );
    expect(overlaps).toBe(0);
    expect(fs.exists(LOCK)).toBe(false);
  });

  it('a holder that outlived staleMs and was taken over does not delete the new holder’s lock', async () => {
    const { clock, fs } = setup();
    const slow = await acquireFileLock(fs, LOCK, { clock, pid: 10, hostname: HOST });
    await clock.advance(31_000);
    const fresh = await drive(
      clock,
      acquireFileLock(fs, LOCK, {
        clock,
        pid: 20,
        hostname: HOST,
        staleMs: 30_000,
        isProcessAlive: () => true,
      }),
    );
    await slow();
    expect(JSON.parse(fs.peek(LOCK)?.toString() ?? '{}')).toMatchObject({ pid: 20 });
    await fresh();
    expect(fs.exists(LOCK)).toBe(false);
  });
});
