// PATH search as the Node Processes port does it, driven with a stand-in for Windows' file system.
import { describe, expect, it } from 'vitest';
import { findOnPath, throughCmdIfBatch, type ExecutableProbe } from '../../../electron/core/node-ports.js';
import { msvcrtSplit } from '../../support/fakes/quoting.js';

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

  /** Every stat fails with EACCES; lstat says whether the file is a link. */
  const deniedStat = (isLink: boolean): ExecutableProbe => ({
    stat: async () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })),
    lstat: async () => ({ isFile: () => !isLink, isSymbolicLink: () => isLink }),
    access: async () => undefined,
  });

  it('Windows: an EACCES on something that is not an alias still means "not here"', async () => {
    const env = { Path: 'C:\\locked' };
    expect(await findOnPath('psql.exe', { platform: 'win32', env, probe: deniedStat(false) })).toBeNull();
  });

  it('POSIX: an EACCES is never taken for an alias', async () => {
    const env = { PATH: '/usr/bin' };
    expect(await findOnPath('wt', { platform: 'linux', env, probe: deniedStat(true) })).toBeNull();
  });
});

describe('throughCmdIfBatch (issue 17, item 20)', () => {
  // nodejs/node src/process_wrap.cc: `if (IsWindowsBatchFile(options.file)) err = UV_EINVAL;`
  // (the CVE-2024-27980 fix): a psql that is a .cmd/.bat wrapper cannot be spawned directly.
  const psqlCmd = 'C:\\Tools\\pg (17)\\psql.cmd';
  const conninfo =
    "host=h.postgres.database.azure.com user='a&b@contoso.com' passfile='C:\\\\x\\\\pgpass.conf'";

  it('runs a .cmd through cmd.exe, each argument in quotes the batch file hands on unchanged', () => {
    const request = throughCmdIfBatch(
      { command: psqlCmd, args: ['--dbname', conninfo, 'C:\\dir\\'], stdio: 'inherit' },
      { ComSpec: 'C:\\WINDOWS\\system32\\cmd.exe' },
    );
    expect(request).toMatchObject({
      command: 'C:\\WINDOWS\\system32\\cmd.exe',
      windowsVerbatimArguments: true,
      stdio: 'inherit',
    });
    expect(request.args.slice(0, 4)).toEqual(['/d', '/v:off', '/s', '/c']);
    // cmd /s strips the outer quotes; in real quotes & ( ) are literal; %* passes the rest on,
    // and the program the wrapper runs splits it by the C runtime's rules.
    const line = (request.args[4] ?? '').slice(1, -1);
    expect(line.startsWith(`"${psqlCmd}" `)).toBe(true);
    expect(msvcrtSplit(line.slice(psqlCmd.length + 3))).toEqual(['--dbname', conninfo, 'C:\\dir\\']);
  });

  it('refuses what cmd would expand inside a batch file, and leaves .exe programs alone', () => {
    expect(() => throughCmdIfBatch({ command: psqlCmd, args: ['-c', 'select 100 % 7'] }, {})).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('contains ", % or !') as unknown,
        hint: expect.stringContaining('the program itself (psql.exe)') as unknown,
      }),
    );
    expect(() => throughCmdIfBatch({ command: 'C:\\x\\PSQL.BAT', args: ['say "hi"'] }, {})).toThrow(
      /", % or !/,
    );
    const exe = { command: 'C:\\pg\\psql.exe', args: ['a b'] };
    expect(throughCmdIfBatch(exe, {})).toBe(exe);
  });
});
