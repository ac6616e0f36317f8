// psql invocations: the token only ever travels through the pgpass file named in the conninfo.
import { describe, expect, it } from 'vitest';
import { run as psqlCommand, type PsqlCommandDeps } from '../../../../electron/cli/commands/psql.js';
import type { ConnectionTarget } from '../../../../electron/core/launch/connection.js';
import {
  assertNoSecret,
  findPsql,
  psqlInstallHint,
  psqlInvocation,
  runPsql,
} from '../../../../electron/core/launch/psql.js';
import { LaunchError } from '../../../../electron/core/launch/errors.js';
import type { FileStat, FileSystem, Processes } from '../../../../electron/core/ports.js';
import { testIo } from '../../../support/fakes/io.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';
import { fakeStat } from '../../../support/fakes/recording-fs.js';

const TOKEN =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL29zc3JkYm1zLWFhZC5kYXRhYmFzZS53aW5kb3dzLm5ldCJ9.c2lnbmF0dXJlLXBhcnQ';

const target: ConnectionTarget = {
  host: 'myserver.postgres.database.azure.com',
  port: 5432,
  database: 'app db',
  user: "zoë o'brien@contoso.com",
  passfile: '/home/zoë/.config/pgentra dir/pgpass',
  sslmode: 'verify-full',
  sslrootcert: '/home/zoë/.postgresql/root.crt',
};

function filesAt(paths: string[], dirs: Record<string, string[]> = {}): FileSystem {
  const stat: FileStat = { ...fakeStat('file', 0o755), size: 1 };
  const missing = async () => {
    throw new Error('not used');
  };
  return {
    readFile: missing,
    lstat: async (file) => (paths.includes(file) ? stat : null),
    writeNewFile: missing,
    rename: missing,
    unlink: missing,
    mkdir: missing,
    chmod: missing,
    syncDirectory: missing,
    readdir: async (dir) => {
      const entries = dirs[dir];
      if (!entries) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return entries;
    },
  };
}

describe('psqlInvocation', () => {
  it('puts the conninfo, with passfile and no password, in --dbname and clears PGPASSWORD/PGSERVICE', () => {
    const invocation = psqlInvocation(target, ['-c', 'select 1']);
    expect(invocation).toEqual({
      command: 'psql',
      args: [
        '--dbname',
        "host=myserver.postgres.database.azure.com port=5432 dbname='app db' user='zoë o\\'brien@contoso.com' sslmode=verify-full " +
          "sslrootcert=/home/zoë/.postgresql/root.crt passfile='/home/zoë/.config/pgentra dir/pgpass'",
        '-c',
        'select 1',
      ],
      env: { PGPASSWORD: undefined, PGSERVICE: undefined },
    });
    expect(invocation.args.join(' ')).not.toMatch(/password=/);
  });

  it('quotes every awkward user, database and passfile value for libpq', () => {
    for (const value of ['with space', "o'brien", 'back\\slash', '$HOME %PATH% & ^', 'zoë データ', '@at']) {
      const conninfo =
        psqlInvocation({ ...target, user: value, database: value, passfile: `/tmp/${value}/pgpass` })
          .args[1] ?? '';
      const escaped = `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
      const bareOk = /^[^\s'\\]+$/.test(value);
      expect(conninfo).toContain(`user=${bareOk ? value : escaped}`);
      expect(conninfo).toContain(`dbname=${bareOk ? value : escaped}`);
    }
  });

  it('refuses a token in argv or a password in PGPASSWORD', () => {
    expect(() => psqlInvocation(target, ['-c', `select '${TOKEN}'`])).toThrow(LaunchError);
    expect(() => assertNoSecret({ command: 'psql', args: [], env: { PGPASSWORD: 'x' } })).toThrow(
      /PGPASSWORD/,
    );
    expect(() => assertNoSecret({ command: 'psql', args: [], env: { PGAPPNAME: TOKEN } })).toThrow(
      /access token/,
    );
    expect(() => psqlInvocation(target, ['-c', "update t set password = 'x'"])).not.toThrow();
  });
});

describe('findPsql', () => {
  it('prefers the configured path, then PATH, then the usual install places', async () => {
    const env = {};
    expect(
      await findPsql(
        {
          processes: fakeProcesses('linux', {
            '/opt/pg/bin/psql': '/opt/pg/bin/psql',
            psql: '/usr/bin/psql',
          }),
          fs: filesAt([]),
          env,
        },
        '/opt/pg/bin/psql',
      ),
    ).toBe('/opt/pg/bin/psql');
    expect(
      await findPsql({ processes: fakeProcesses('linux', { psql: '/usr/bin/psql' }), fs: filesAt([]), env }),
    ).toBe('/usr/bin/psql');
    expect(
      await findPsql({
        processes: fakeProcesses('linux', {}),
        fs: filesAt(['/usr/lib/postgresql/16/bin/psql', '/usr/lib/postgresql/9.6/bin/psql'], {
          '/usr/lib/postgresql': ['9.6', '16', 'common'],
        }),
        env,
      }),
    ).toBe('/usr/lib/postgresql/16/bin/psql');
    expect(
      await findPsql({
        processes: fakeProcesses('darwin', {}),
        fs: filesAt(['/opt/homebrew/opt/libpq/bin/psql']),
        env,
      }),
    ).toBe('/opt/homebrew/opt/libpq/bin/psql');
    expect(
      await findPsql({
        processes: fakeProcesses('win32', {}),
        fs: filesAt(['C:\\Program Files\\PostgreSQL\\17\\bin\\psql.exe'], {
          'C:\\Program Files\\PostgreSQL': ['15', '17'],
        }),
        env: { ProgramFiles: 'C:\\Program Files' },
      }),
    ).toBe('C:\\Program Files\\PostgreSQL\\17\\bin\\psql.exe');
  });

  it.each([
    ['linux', /apt install postgresql-client/],
    ['darwin', /brew install libpq/],
    ['win32', /Command Line Tools/],
  ] as const)('names what to install when psql is missing on %s', async (platform, hint) => {
    await expect(
      findPsql({ processes: fakeProcesses(platform, {}), fs: filesAt([]), env: {} }),
    ).rejects.toMatchObject({ reason: 'psql-missing', hint: psqlInstallHint(platform) });
    expect(psqlInstallHint(platform)).toMatch(hint);
  });

  it('says where it looked when the configured psql is missing', async () => {
    await expect(
      findPsql({ processes: fakeProcesses('linux', {}), fs: filesAt([]), env: {} }, '/nope/psql'),
    ).rejects.toThrow('psql was not found at /nope/psql');
  });
});

describe('runPsql', () => {
  it('runs the absolute psql in this terminal without PGPASSWORD and passes its exit code through', async () => {
    const processes = fakeProcesses('linux', { psql: '/usr/bin/psql' }, () => ({ exitCode: 3 }));
    const code = await runPsql(
      { processes, fs: filesAt([]), env: { PATH: '/usr/bin', PGPASSWORD: 'stale', PGSERVICE: 'other' } },
      target,
      { extraArgs: ['-f', 'x.sql'] },
    );
    expect(code).toBe(3);
    expect(processes.runs).toEqual([
      {
        command: '/usr/bin/psql',
        args: [...psqlInvocation(target).args, '-f', 'x.sql'],
        env: { PATH: '/usr/bin' },
        stdio: 'inherit',
      },
    ]);
  });
});

describe('Windows: file paths an ANSI psql can open (issue 17, item 14)', () => {
  // psql.exe and libpq take argv and fopen() paths in the ANSI code page; pgAdmin passes libpq the
  // 8.3 short name for this reason (pgadmin-org/pgadmin4 web/pgadmin/utils/__init__.py
  // fs_short_path, GetShortPathNameW; get_complete_file_path line 315).
  const long = 'C:\\Users\\田中\\AppData\\Roaming\\postgresql\\pgpass.conf';
  const short = 'C:\\Users\\0F8A~1\\AppData\\Roaming\\POSTGR~1\\pgpass.conf';
  const windowsTarget = { ...target, passfile: long, sslrootcert: 'C:\\Users\\田中\\roots.pem' };

  it('hands psql the short names of the pgpass file and the root certificates, asked of cmd', async () => {
    const processes = fakeProcesses('win32', { 'psql.exe': 'C:\\pg\\psql.exe' }, (request) =>
      request.args.join(' ').includes('%~sI')
        ? {
            stdout: `${request.env?.PGENTRA_LONG_PATH === long ? short : 'C:\\Users\\0F8A~1\\roots.pem'}\r\n`,
          }
        : {},
    );
    await runPsql(
      { processes, fs: filesAt([]), env: { Path: 'C:\\pg', ComSpec: 'C:\\cmd.exe' } },
      windowsTarget,
    );
    const psqlRun = processes.runs.at(-1);
    expect(psqlRun?.command).toBe('C:\\pg\\psql.exe');
    const dbname = psqlRun?.args[1] ?? '';
    expect(dbname).toContain(
      "passfile='C:\\\\Users\\\\0F8A~1\\\\AppData\\\\Roaming\\\\POSTGR~1\\\\pgpass.conf'",
    );
    expect(dbname).toContain("sslrootcert='C:\\\\Users\\\\0F8A~1\\\\roots.pem'");
    // The long path went to cmd in the environment, never on its command line.
    const asked = processes.runs.filter((run) => run.command === 'C:\\cmd.exe');
    expect(asked).toHaveLength(2);
    for (const run of asked) expect(run.args.join(' ')).not.toContain('田中');
  });

  it('keeps the long path when the volume has no short names, and asks nothing for ASCII paths', async () => {
    const processes = fakeProcesses('win32', { 'psql.exe': 'C:\\pg\\psql.exe' }, (request) =>
      request.args.join(' ').includes('%~sI')
        ? { stdout: `${String(request.env?.PGENTRA_LONG_PATH)}\r\n` }
        : {},
    );
    await runPsql({ processes, fs: filesAt([]), env: {} }, { ...windowsTarget, sslrootcert: undefined });
    expect(processes.runs.at(-1)?.args[1]).toContain('pgpass.conf');
    expect(processes.runs.at(-1)?.args[1]).toContain('田中');

    const ascii = fakeProcesses('win32', { 'psql.exe': 'C:\\pg\\psql.exe' });
    await runPsql(
      { processes: ascii, fs: filesAt([]), env: {} },
      { ...target, passfile: 'C:\\pgentra\\pgpass.conf', sslrootcert: 'C:\\pgentra\\roots.pem' },
    );
    expect(ascii.runs).toHaveLength(1);
  });
});

describe('pgentra psql', () => {
  const deps = (processes: Processes): PsqlCommandDeps & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      connectionTarget: async (name) => (asked.push(name), target),
      processes,
      fs: filesAt([]),
    };
  };

  it("hands everything after -- to psql, even --help, and returns psql's exit code", async () => {
    const processes = fakeProcesses('linux', { psql: '/usr/bin/psql' }, () => ({ exitCode: 2 }));
    const used = deps(processes);
    const io = testIo({ PATH: '/usr/bin' });
    expect(await psqlCommand(['prod', '--', '--help', '-c', 'select 1'], io, used)).toBe(2);
    expect(used.asked).toEqual(['prod']);
    expect(processes.runs[0]?.args.slice(-3)).toEqual(['--help', '-c', 'select 1']);
    expect(io.out).toBe('');
  });

  it('prints its own help and rejects a missing NAME', async () => {
    const io = testIo();
    expect(await psqlCommand(['--help'], io, deps(fakeProcesses('linux', {})))).toBe(0);
    expect(io.out).toMatch(/^Usage: pgentra psql NAME/);
    expect(io.out).toMatch(/Examples:\n {2}pgentra psql prod/);
    await expect(psqlCommand([], testIo(), deps(fakeProcesses('linux', {})))).rejects.toMatchObject({
      exitCode: 2,
    });
  });

  it('turns a missing psql into exit code 5 with the install hint', async () => {
    await expect(psqlCommand(['prod'], testIo(), deps(fakeProcesses('linux', {})))).rejects.toMatchObject({
      exitCode: 5,
      hint: expect.stringMatching(/postgresql-client/),
    });
  });

  it('uses the terminal setting when --terminal is not given', async () => {
    const processes = fakeProcesses(
      'linux',
      { psql: '/usr/bin/psql', konsole: '/usr/bin/konsole', xterm: '/usr/bin/xterm' },
      () => ({ exitCode: null }),
    );
    expect(
      await psqlCommand(['prod', '--new-window'], testIo(), { ...deps(processes), terminal: ['xterm'] }),
    ).toBe(0);
    expect(processes.runs[0]?.command).toBe('/usr/bin/xterm');
  });

  it('opens a new window with --new-window and the chosen terminal', async () => {
    const processes = fakeProcesses('linux', { psql: '/usr/bin/psql', xterm: '/usr/bin/xterm' }, () => ({
      exitCode: null,
    }));
    const io = testIo({ PATH: '/usr/bin' });
    expect(
      await psqlCommand(
        ['prod', '--new-window', '--terminal', 'konsole', '--terminal', 'xterm'],
        io,
        deps(processes),
      ),
    ).toBe(0);
    expect(processes.runs[0]).toMatchObject({ command: '/usr/bin/xterm', detached: true });
    expect(processes.runs[0]?.args).toContain('/usr/bin/psql');
    expect(io.err).toBe('Opened psql for prod in xterm.\n');
  });
});
