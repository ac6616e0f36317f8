// writeFileAtomic against a full disk, a rename that is refused, a read-only file system and a
// planted symlink: the old file must stay byte-identical and no temp file may be left behind.
import { chown, link, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileWriteError, writeFileAtomic } from '../../../../electron/core/files/atomic-write.js';
import { nodeFileSystem } from '../../../../electron/core/node-ports.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const DIR = '/home/alice';
const TARGET = `${DIR}/.pgpass`;
const OLD = Buffer.from('# mine\r\ndb.example.com:5432:*:alice:old-secret', 'latin1');
const NEW = Buffer.from('x'.repeat(4096));

function setup(): MemoryFileSystem {
  return new MemoryFileSystem().mkdirp(DIR, 0o700).put(TARGET, OLD, 0o600);
}

async function writeError(promise: Promise<unknown>): Promise<FileWriteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileWriteError);
  return error as FileWriteError;
}

describe('writeFileAtomic', () => {
  it('replaces the file with the new bytes, mode 0600, leaving only the target in the directory', async () => {
    const fs = setup();
    fs.setMode(TARGET, 0o644);
    await writeFileAtomic(fs, TARGET, NEW);
    expect(fs.peek(TARGET)).toEqual(NEW);
    expect(fs.modeOf(TARGET)).toBe(0o600);
    expect(fs.list(DIR)).toEqual(['.pgpass']);
    expect(fs.calls.some((c) => c.op === 'syncDirectory' && c.path === DIR)).toBe(true);
  });

  it('creates a missing file', async () => {
    const fs = new MemoryFileSystem().mkdirp(DIR, 0o700);
    await writeFileAtomic(fs, TARGET, NEW, { mode: 0o600 });
    expect(fs.peek(TARGET)).toEqual(NEW);
    expect(fs.list(DIR)).toEqual(['.pgpass']);
  });

  it('writes the temp file beside the target (same file system, so rename is atomic), never in /tmp', async () => {
    const fs = setup();
    await writeFileAtomic(fs, TARGET, NEW);
    const temp = fs.calls.find((c) => c.op === 'writeNewFile')?.path ?? '';
    expect(temp.startsWith(`${DIR}/.`)).toBe(true);
    expect(temp).not.toBe(TARGET);
  });

  it.each([
    ['ENOSPC', 'the disk is full', { op: 'writeNewFile', partialBytes: 100 }],
    ['EDQUOT', 'the disk quota is exhausted', { op: 'writeNewFile', partialBytes: 0 }],
    ['EROFS', 'the file system is read-only', { op: 'writeNewFile' }],
    ['EACCES', 'permission denied', { op: 'rename' }],
    ['EPERM', 'operation not permitted', { op: 'rename' }],
    ['EIO', 'input/output error', { op: 'rename' }],
  ] as const)(
    '%s: the old file is byte-identical, no temp file is left, the error says why',
    async (code, reason, fault) => {
      const fs = setup();
      fs.fail({ ...fault, code });
      const error = await writeError(writeFileAtomic(fs, TARGET, NEW));
      expect(fs.peek(TARGET)).toEqual(OLD);
      expect(fs.modeOf(TARGET)).toBe(0o600);
      expect(fs.list(DIR)).toEqual(['.pgpass']);
      expect(error.errno).toBe(code);
      expect(error.message).toContain(TARGET);
      expect(error.message).toContain(reason);
      expect(error.message).toContain('the previous file is unchanged');
    },
  );

  it('a partial temp file from a full disk is removed even though writing it failed', async () => {
    const fs = setup();
    fs.fail({ op: 'writeNewFile', code: 'ENOSPC', partialBytes: 10 });
    // The fault really leaves a partial file behind: watch for it between the failure and the cleanup.
    let sawPartial = false;
    fs.gate = (op, p) => {
      if (op === 'unlink' && p !== TARGET) sawPartial = fs.peek(p)?.length === 10;
    };
    await writeError(writeFileAtomic(fs, TARGET, NEW));
    expect(sawPartial).toBe(true);
    expect(fs.list(DIR)).toEqual(['.pgpass']);
  });

  it('an unwritable directory (a normal user, dir 0500): old file intact, the error names the path', async () => {
    const fs = setup();
    fs.setMode(DIR, 0o500);
    const error = await writeError(writeFileAtomic(fs, TARGET, NEW));
    expect(error.message).toContain(TARGET);
    expect(error.message).toContain('permission denied');
    expect(fs.peek(TARGET)).toEqual(OLD);
    expect(fs.list(DIR)).toEqual(['.pgpass']);
  });

  it('refuses a symlink at the target, naming the path, and leaves the link and its target alone', async () => {
    const fs = setup();
    fs.put('/etc/passwd', 'root:x:0:0::/root:/bin/sh\n', 0o644);
    fs.symlink('/etc/passwd', `${DIR}/.pgpass-link`);
    const error = await writeError(writeFileAtomic(fs, `${DIR}/.pgpass-link`, NEW));
    expect(error.message).toMatch(/refusing to write \/home\/alice\/\.pgpass-link: it is a symbolic link/);
    expect(error.errno).toBe('ELOOP');
    expect(fs.peek('/etc/passwd')?.toString()).toBe('root:x:0:0::/root:/bin/sh\n');
    expect((await fs.lstat(`${DIR}/.pgpass-link`))?.isSymbolicLink).toBe(true);
    expect(fs.calls.filter((c) => c.op === 'writeNewFile' || c.op === 'rename')).toEqual([]);
  });

  it('refuses a dangling symlink too (it could be pointed anywhere later)', async () => {
    const fs = setup();
    fs.symlink('/nonexistent/target', `${DIR}/dangling`);
    const error = await writeError(writeFileAtomic(fs, `${DIR}/dangling`, NEW));
    expect(error.message).toContain(`${DIR}/dangling`);
    expect(fs.exists('/nonexistent/target')).toBe(false);
  });

  it('refuses a directory at the target', async () => {
    const fs = setup();
    fs.mkdirp(`${DIR}/sub`);
    const error = await writeError(writeFileAtomic(fs, `${DIR}/sub`, NEW));
    expect(error.message).toContain(`${DIR}/sub: it is not a regular file`);
  });

  it('a failing directory fsync after the rename does not turn a completed write into an error', async () => {
    const fs = setup();
    fs.fail({ op: 'syncDirectory', code: 'EINVAL' });
    await writeFileAtomic(fs, TARGET, NEW);
    expect(fs.peek(TARGET)).toEqual(NEW);
  });

  it('a missing directory is reported as such, naming the path', async () => {
    const fs = new MemoryFileSystem();
    const error = await writeError(writeFileAtomic(fs, '/nowhere/.pgpass', NEW));
    expect(error.message).toContain('/nowhere/.pgpass');
    expect(error.message).toContain('the directory does not exist');
  });
});

describe('writeFileAtomic on the real file system: files that must not be replaced', () => {
  const withDir = async (work: (dir: string) => Promise<void>) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgentra-atomic-'));
    try {
      await work(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  it('refuses a file with a second hard link, which would keep the old token under that name', () =>
    withDir(async (dir) => {
      const pgpass = path.join(dir, 'pgpass');
      await writeFile(pgpass, OLD, { mode: 0o600 });
      await link(pgpass, path.join(dir, 'backup'));
      const error = await writeError(writeFileAtomic(nodeFileSystem, pgpass, NEW));
      expect(error.message).toContain(`refusing to write ${pgpass}: it has 2 hard links`);
      expect((await readFile(pgpass)).equals(OLD)).toBe(true);
      expect(await readdir(dir)).toEqual(['backup', 'pgpass']);
    }));

  it.runIf(process.getuid?.() === 0)('refuses a file that belongs to another user', () =>
    withDir(async (dir) => {
      const pgpass = path.join(dir, 'pgpass');
      await writeFile(pgpass, OLD, { mode: 0o600 });
      await chown(pgpass, 65534, 65534); // nobody
      const error = await writeError(writeFileAtomic(nodeFileSystem, pgpass, NEW));
      expect(error.message).toContain(`refusing to write ${pgpass}: it belongs to another user`);
      expect((await readFile(pgpass)).equals(OLD)).toBe(true);
    }),
  );

  it('replaces an ordinary file of its own, 0600', () =>
    withDir(async (dir) => {
      const pgpass = path.join(dir, 'pgpass');
      await writeFile(pgpass, OLD, { mode: 0o644 });
      await writeFileAtomic(nodeFileSystem, pgpass, NEW);
      expect((await readFile(pgpass)).equals(NEW)).toBe(true);
      expect((await stat(pgpass)).mode & 0o777).toBe(0o600);
    }));
});
