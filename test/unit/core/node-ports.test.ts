// PATH search as the Node Processes port does it, driven with a stand-in for Windows' file system.
import { describe, expect, it } from 'vitest';
import { findOnPath, type ExecutableProbe } from '../../../electron/core/node-ports.js';

const ALIAS_DIR = 'C:\\Users\\ann\\AppData\\Local\\Microsoft\\WindowsApps';

/** Files by absolute path: a plain file, or an app execution alias (a reparse point). */
function windowsDisk(files: Record<string, 'file' | 'alias'>): ExecutableProbe {
  const errno = (code: string) => Object.assign(new Error(code), { code });
  // NTFS names are case-insensitive: PATHEXT's `.EXE` finds wt.exe.
  const byName = new Map(Object.entries(files).map(([file, kind]) => [file.toLowerCase(), kind]));
  const kind = (file: string) => byName.get(file.toLowerCase()) ?? null;
  return {
    async stat(file) {
      const found = kind(file);
      if (found === null) throw errno('ENOENT');
      // libuv: CreateFileW on an AppExecLink fails with ERROR_CANT_ACCESS_FILE → UV_EACCES
      // (src/win/error.c:74).
      if (found === 'alias') throw errno('EACCES');
      return { isFile: () => true, isSymbolicLink: () => false };
    },
    async lstat(file) {
      const found = kind(file);
      if (found === null) throw errno('ENOENT');
      // libuv reads IO_REPARSE_TAG_APPEXECLINK as a link (src/win/fs.c:306).
      return { isFile: () => found === 'file', isSymbolicLink: () => found === 'alias' };
    },
    access: async () => undefined,
  };
}

describe('findOnPath', () => {
  it('Windows: finds wt.exe, an app execution alias that stat cannot open (issue 17, item 15)', async () => {
    const probe = windowsDisk({ [`${ALIAS_DIR}\\wt.exe`]: 'alias' });
    const env = { Path: `C:\\Windows\\system32;${ALIAS_DIR}`, PATHEXT: '.COM;.EXE;.BAT;.CMD' };
    expect(await findOnPath('wt.exe', { platform: 'win32', env, probe })).toBe(`${ALIAS_DIR}\\wt.exe`);
    expect((await findOnPath('wt', { platform: 'win32', env, probe }))?.toLowerCase()).toBe(
      `${ALIAS_DIR}\\wt.exe`.toLowerCase(),
    );
  });

  it('Windows: an EACCES on something that is not an alias still means "not here"', async () => {
    const errno = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    const probe: ExecutableProbe = {
      stat: async () => Promise.reject(errno),
      lstat: async () => ({ isFile: () => true, isSymbolicLink: () => false }),
      access: async () => undefined,
    };
    expect(
      await findOnPath('psql.exe', { platform: 'win32', env: { Path: 'C:\\locked' }, probe }),
    ).toBeNull();
  });

  it('POSIX: an EACCES is never taken for an alias', async () => {
    const errno = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    const probe: ExecutableProbe = {
      stat: async () => Promise.reject(errno),
      lstat: async () => ({ isFile: () => false, isSymbolicLink: () => true }),
      access: async () => undefined,
    };
    expect(await findOnPath('wt', { platform: 'linux', env: { PATH: '/usr/bin' }, probe })).toBeNull();
  });
});
