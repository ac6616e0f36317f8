// The in-memory FileSystem is only worth its tests if it behaves like the real one: the same
// script of operations runs against nodeFileSystem in a temp directory and against
// MemoryFileSystem, and every result and error code must agree. Then its fault injection.
import { mkdtempSync, promises as nodeFs, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../../../electron/core/node-ports.js';
import type { FileSystem } from '../../../../electron/core/ports.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

type Outcome = { ok: unknown } | { code: string | undefined };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code };
  }
}

/** The same operations against any FileSystem; `link` makes a symlink in the setup's own way. */
async function script(fs: FileSystem, root: string, link: (target: string, at: string) => void) {
  const p = (name: string) => path.join(root, name);
  const stat = async (name: string) => {
    const s = await fs.lstat(p(name));
    return s && { file: s.isFile, dir: s.isDirectory, link: s.isSymbolicLink, mode: s.mode, size: s.size };
  };
  const results: Record<string, Outcome> = {};
  const step = async (name: string, run: () => Promise<unknown>) => {
    results[name] = await outcome(run);
  };
  await step('create', () => fs.writeNewFile(p('a'), Buffer.from('hello'), 0o600));
  await step('create again: EEXIST', () => fs.writeNewFile(p('a'), Buffer.from('x'), 0o600));
  await step('read', async () => (await fs.readFile(p('a'))).toString());
  await step('lstat file', () => stat('a'));
  await step('lstat missing', () => stat('missing'));
  await step('read missing', () => fs.readFile(p('missing')));
  await step('create in missing dir', () => fs.writeNewFile(p('nodir/x'), Buffer.from('x'), 0o600));
  await step('lstat below a file', () => stat('a/x'));
  await step('mkdir nested', () => fs.mkdir(p('d/e/f'), 0o700));
  await step('mkdir existing', () => fs.mkdir(p('d/e'), 0o700));
  await step('lstat dir mode', () => stat('d/e/f'));
  await step('mkdir over a file', () => fs.mkdir(p('a'), 0o700));
  await step('mkdir below a file', () => fs.mkdir(p('a/b'), 0o700));
  await step('read a directory', () => fs.readFile(p('d')));
  await step('unlink a directory', () => fs.unlink(p('d/e/f')));
  await step('readdir a file', () => fs.readdir(p('a')));
  link('a', p('link-to-a'));
  link('nowhere', p('dangling'));
  await step('lstat symlink', async () => {
    const s = await fs.lstat(p('link-to-a'));
    return s && { file: s.isFile, link: s.isSymbolicLink, mode: s.mode };
  });
  await step('read through symlink', async () => (await fs.readFile(p('link-to-a'))).toString());
  await step('read dangling symlink', () => fs.readFile(p('dangling')));
  await step('exclusive create over dangling symlink', () =>
    fs.writeNewFile(p('dangling'), Buffer.from('x'), 0o600),
  );
  await step('exclusive create over symlink', () => fs.writeNewFile(p('link-to-a'), Buffer.from('x'), 0o600));
  await step('chmod through symlink', () => fs.chmod(p('link-to-a'), 0o640));
  await step('mode after chmod', () => stat('a'));
  await step('rename file', () => fs.rename(p('a'), p('b')));
  await step('rename missing', () => fs.rename(p('a'), p('c')));
  await step('rename over existing file', async () => {
    await fs.writeNewFile(p('c'), Buffer.from('ccc'), 0o644);
    await fs.rename(p('c'), p('b'));
    return (await fs.readFile(p('b'))).toString();
  });
  await step('rename file over dir', () => fs.rename(p('b'), p('d')));
  await step('rename dir over file', () => fs.rename(p('d'), p('b')));
  await step('rename symlink moves the link', async () => {
    await fs.rename(p('dangling'), p('dangling2'));
    return stat('dangling2');
  });
  await step('unlink symlink', () => fs.unlink(p('link-to-a')));
  await step('unlink missing', () => fs.unlink(p('missing')));
  await step('readdir', () => fs.readdir(root));
  await step('readdir missing', () => fs.readdir(p('missing')));
  await step('sync dir', () => fs.syncDirectory(root));
  return results;
}

const tempRoots: string[] = [];
afterAll(() => {
  for (const dir of tempRoots) rmSync(dir, { recursive: true, force: true });
});

describe('MemoryFileSystem is faithful to nodeFileSystem', () => {
  it('gives the same results and error codes for the same operations', async () => {
    const real = mkdtempSync(path.join(os.tmpdir(), 'pgentra-memfs-'));
    tempRoots.push(real);
    // Ownership checks differ between root and a user; compare like with like.
    const asRoot = process.getuid?.() === 0;
    const previous = process.umask(0o022);
    let expected: Record<string, Outcome>;
    try {
      expected = await script(nodeFileSystem, real, (target, at) => symlinkSync(target, at));
    } finally {
      process.umask(previous);
    }
    const memory = new MemoryFileSystem({ root: asRoot }).mkdirp('/t', 0o755);
    const actual = await script(memory, '/t', (target, at) => memory.symlink(target, at));
    expect(actual).toEqual(expected);
    // Sanity: the script covers errors, not just successes.
    expect(Object.values(expected).filter((o) => 'code' in o).length).toBeGreaterThan(10);
  });

  it('lstat of the real port reports permission bits only, like the fake', async () => {
    const real = mkdtempSync(path.join(os.tmpdir(), 'pgentra-memfs-'));
    tempRoots.push(real);
    await nodeFileSystem.writeNewFile(path.join(real, 'f'), Buffer.from('x'), 0o600);
    await nodeFs.chmod(path.join(real, 'f'), 0o644);
    expect((await nodeFileSystem.lstat(path.join(real, 'f')))?.mode).toBe(0o644);
  });
});

describe('MemoryFileSystem as a normal user', () => {
  it('refuses to create, rename or unlink in a directory without write permission', async () => {
    const fs = new MemoryFileSystem().put('/ro/f', 'x').setMode('/ro', 0o555);
    await expect(fs.writeNewFile('/ro/g', Buffer.from('y'), 0o600)).rejects.toMatchObject({ code: 'EACCES' });
    await expect(fs.rename('/ro/f', '/ro/h')).rejects.toMatchObject({ code: 'EACCES' });
    await expect(fs.unlink('/ro/f')).rejects.toMatchObject({ code: 'EACCES' });
    expect(fs.list('/ro')).toEqual(['f']);
  });

  it('refuses to read a file without the owner read bit', async () => {
    const fs = new MemoryFileSystem().put('/f', 'x', 0o200);
    await expect(fs.readFile('/f')).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('errors look like Node errors and name the path', async () => {
    const fs = new MemoryFileSystem();
    await expect(fs.readFile('/nope')).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: 'open',
      path: '/nope',
      message: "ENOENT: no such file or directory, open '/nope'",
    });
  });
});

describe('MemoryFileSystem fault injection', () => {
  it('fails exactly the nth matching call, for the given number of times', async () => {
    const fs = new MemoryFileSystem().mkdirp('/d');
    fs.fail({ op: 'writeNewFile', code: 'ENOSPC', nth: 2, times: 2, path: /\/d\/f\d$/ });
    await fs.writeNewFile('/d/other', Buffer.from('x'), 0o600); // does not match the path
    await fs.writeNewFile('/d/f1', Buffer.from('x'), 0o600);
    await expect(fs.writeNewFile('/d/f2', Buffer.from('x'), 0o600)).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(fs.writeNewFile('/d/f3', Buffer.from('x'), 0o600)).rejects.toMatchObject({ code: 'ENOSPC' });
    await fs.writeNewFile('/d/f4', Buffer.from('x'), 0o600);
    expect(fs.list('/d')).toEqual(['f1', 'f4', 'other']);
  });

  it('a partial write leaves a truncated file behind, as a full disk does', async () => {
    const fs = new MemoryFileSystem().mkdirp('/d');
    fs.fail({ op: 'writeNewFile', code: 'ENOSPC', partialBytes: 3 });
    await expect(fs.writeNewFile('/d/f', Buffer.from('abcdef'), 0o600)).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(fs.peek('/d/f')?.toString()).toBe('abc');
  });

  it('faults on rename and readFile change nothing', async () => {
    const fs = new MemoryFileSystem().put('/d/a', 'A').put('/d/b', 'B');
    fs.fail({ op: 'rename', code: 'EACCES' }).fail({ op: 'readFile', code: 'EIO' });
    await expect(fs.rename('/d/a', '/d/b')).rejects.toMatchObject({ code: 'EACCES', path: '/d/a' });
    await expect(fs.readFile('/d/a')).rejects.toMatchObject({ code: 'EIO' });
    expect(fs.peek('/d/a')?.toString()).toBe('A');
    expect(fs.peek('/d/b')?.toString()).toBe('B');
    expect((await fs.readFile('/d/a')).toString()).toBe('A');
  });
});
