// pgAdmin servers.json and its import, checked against pgAdmin's own rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { run as pgadminCommand, type PgadminCommandDeps } from '../../../../electron/cli/commands/pgadmin.js';
import type { ConnectionTarget } from '../../../../electron/core/launch/connection.js';
import {
  DESKTOP_BOOTSTRAP,
  planImport,
  setupPyCommand,
} from '../../../../electron/core/launch/pgadmin-import.js';
import {
  findPgadmin,
  pgadminDataDir,
  pgadminLayout,
  type PgadminInstall,
} from '../../../../electron/core/launch/pgadmin-install.js';
import {
  pgentraCommandEnv,
  passwordExecCommand,
  passwordExecExpiration,
  serversJson,
  type ServersJsonOptions,
} from '../../../../electron/core/launch/pgadmin-servers.js';
import { manualImportInstructions, setUpPgadmin } from '../../../../electron/core/launch/pgadmin.js';
import { LaunchError } from '../../../../electron/core/launch/errors.js';
import type { FileSystem, Processes } from '../../../../electron/core/ports.js';
import { testIo } from '../../../support/fakes/io.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';
import { fakeStat } from '../../../support/fakes/recording-fs.js';

/**
 * pgAdmin's import format as pgAdmin itself checks and reads it (pgadmin-org/pgadmin4 @bc58657):
 * web/pgadmin/utils/__init__.py validate_json_data() requires Group, Name, an integer Port,
 * Username, MaintenanceDB and Host (or Service); load_database_servers() reads exactly the keys
 * below (anything else is silently ignored, so `.strict()` catches a misspelt key); the model
 * (web/pgadmin/model/__init__.py) limits port to 1–65534 and comment to 1024 characters; and
 * docs/en_US/import_export_servers.rst "JSON format" also lists SSLMode as required.
 */
const pgadminServerSchema = z
  .object({
    Name: z.string().min(1),
    Group: z.string().min(1),
    Host: z.string().min(1),
    Port: z.number().int().min(1).max(65534),
    MaintenanceDB: z.string().min(1),
    Username: z.string().min(1),
    SSLMode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']),
    Role: z.string().optional(),
    Comment: z.string().max(1024).optional(),
    DBRestriction: z.string().optional(),
    DBRestrictionType: z.string().optional(),
    ConnectionParameters: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    BGColor: z.string().optional(),
    FGColor: z.string().optional(),
    Service: z.string().optional(),
    Shared: z.boolean().optional(),
    SharedUsername: z.string().optional(),
    KerberosAuthentication: z.boolean().optional(),
    Tags: z.array(z.object({ color: z.string(), text: z.string() })).optional(),
    PrepareThreshold: z.number().int().optional(),
    PostConnectionSQL: z.string().optional(),
    PasswordExecCommand: z.string().min(1).optional(),
    PasswordExecExpiration: z.number().int().min(0).optional(),
  })
  .strict();
const serversFileSchema = z
  .object({ Servers: z.record(z.string().regex(/^\d+$/), pgadminServerSchema) })
  .strict();

const target = (overrides: Partial<ConnectionTarget> = {}): ConnectionTarget => ({
  host: 'myserver.postgres.database.azure.com',
  port: 5432,
  database: 'postgres',
  user: "zoë o'brien@contoso.com",
  passfile: '/home/zoe/.pgpass',
  sslmode: 'require',
  ...overrides,
});

const options: ServersJsonOptions = {
  pgentraCommand: ['/opt/node/bin/node', '/opt/pgentra/bin/pgentra.cjs'],
  minValidSec: 600,
  platform: 'linux',
};

describe('servers.json', () => {
  it("has the keys and types pgAdmin's load-servers requires, numbered from 1", () => {
    const json = serversJson(
      [
        { name: 'prod', target: target() },
        {
          name: 'analytics',
          target: target({
            host: 'c-x.abc.postgres.cosmos.azure.com',
            database: 'citus',
            sslmode: 'verify-full',
            sslrootcert: '/etc/ssl/azure.pem',
          }),
        },
      ],
      options,
    );
    expect(serversFileSchema.parse(json)).toEqual(json);
    expect(Object.keys(json.Servers)).toEqual(['1', '2']);
    expect(json.Servers['1']).toEqual({
      Name: 'prod',
      Group: 'pgentra',
      Host: 'myserver.postgres.database.azure.com',
      Port: 5432,
      MaintenanceDB: 'postgres',
      Username: "zoë o'brien@contoso.com",
      SSLMode: 'require',
      ConnectionParameters: { sslmode: 'require', connect_timeout: 10 },
      Comment: 'Managed by pgentra. The password is a fresh Entra ID token from `pgentra token prod`.',
      PasswordExecCommand: "'/opt/node/bin/node' '/opt/pgentra/bin/pgentra.cjs' token prod --min-valid 10m",
      PasswordExecExpiration: 540,
    });
    expect(json.Servers['2']?.ConnectionParameters).toEqual({
      sslmode: 'verify-full',
      connect_timeout: 10,
      sslrootcert: '/etc/ssl/azure.pem',
    });
  });

  it('never sets a passfile in desktop mode: pgAdmin would then ignore PasswordExecCommand (connection.py)', () => {
    const json = serversJson([{ name: 'prod', target: target() }], options);
    expect(json.Servers['1']?.ConnectionParameters).not.toHaveProperty('passfile');
  });

  it('uses the pgpass file instead of PasswordExecCommand in server mode', () => {
    const json = serversJson([{ name: 'prod', target: target() }], {
      ...options,
      mode: 'server',
      passfile: 'pgpass',
    });
    expect(serversFileSchema.parse(json)).toEqual(json);
    expect(json.Servers['1']).not.toHaveProperty('PasswordExecCommand');
    expect(json.Servers['1']).not.toHaveProperty('PasswordExecExpiration');
    expect(json.Servers['1']?.ConnectionParameters).toEqual({
      sslmode: 'require',
      connect_timeout: 10,
      passfile: 'pgpass',
    });
  });

  it("keeps pgAdmin's cached token strictly shorter-lived than the validity asked for", () => {
    fc.assert(
      fc.property(fc.integer({ min: 120, max: 2700 }), (minValidSec) => {
        const expiration = passwordExecExpiration(minValidSec);
        expect(expiration).toBeLessThan(minValidSec);
        expect(expiration).toBeGreaterThanOrEqual(60);
      }),
    );
    expect(() => passwordExecExpiration(60)).toThrow(LaunchError);
    expect(() => passwordExecExpiration(3600)).toThrow(/between 2 and 45 minutes/);
    expect(
      serversJson([{ name: 'p', target: target() }], { ...options, minValidSec: 90 * 2 }).Servers['1']
        ?.PasswordExecCommand,
    ).toMatch(/--min-valid 3m$/);
    expect(
      serversJson([{ name: 'p', target: target() }], { ...options, minValidSec: 150 }).Servers['1']
        ?.PasswordExecCommand,
    ).toMatch(/--min-valid 150s$/);
  });

  it('refuses a cluster listed twice', () => {
    expect(() =>
      serversJson(
        [
          { name: 'a', target: target() },
          { name: 'a', target: target() },
        ],
        options,
      ),
    ).toThrow(/twice/);
  });
});

describe('PasswordExecCommand', () => {
  it('quotes absolute paths for /bin/sh and names the cluster by id, with the env pinned when asked', () => {
    expect(
      passwordExecCommand({
        pgentraCommand: ["/home/zoë/my apps/it's/node", '/opt/pgentra.cjs'],
        cluster: 'prod-eu.1',
        minValidSec: 600,
        platform: 'darwin',
        commandEnv: { PGENTRA_HOME: '/home/zoë/pg home' },
      }),
    ).toBe(
      "PGENTRA_HOME='/home/zoë/pg home' '/home/zoë/my apps/it'\\''s/node' '/opt/pgentra.cjs' token prod-eu.1 --min-valid 10m",
    );
  });

  it('quotes paths for cmd.exe on Windows (Python runs `cmd.exe /c "<command>"`)', () => {
    expect(
      passwordExecCommand({
        pgentraCommand: ['C:\\Program Files\\pgentra\\pgentra.exe'],
        cluster: 'prod',
        minValidSec: 900,
        platform: 'win32',
        commandEnv: { PGENTRA_HOME: 'C:\\Users\\Zoë (admin)\\pgentra & co' },
      }),
    ).toBe(
      'set "PGENTRA_HOME=C:\\Users\\Zoë (admin)\\pgentra & co"&& "C:\\Program Files\\pgentra\\pgentra.exe" token prod --min-valid 15m',
    );
    expect(() =>
      passwordExecCommand({
        pgentraCommand: ['C:\\100%\\pgentra.exe'],
        cluster: 'prod',
        minValidSec: 600,
        platform: 'win32',
      }),
    ).toThrow(LaunchError);
  });

  it('refuses relative paths, unsafe cluster names and anything pgAdmin would substitute', () => {
    const make =
      (pgentraCommand: string[], cluster = 'prod') =>
      () =>
        passwordExecCommand({ pgentraCommand, cluster, minValidSec: 600, platform: 'linux' });
    expect(make(['node', 'pgentra.cjs'])).toThrow(/absolute/);
    expect(make([])).toThrow(/absolute/);
    expect(make(['/usr/bin/pgentra'], 'prod; rm -rf ~')).toThrow(/not a valid cluster name/);
    expect(make(['/usr/bin/pgentra'], '%USERNAME%')).toThrow(/not a valid cluster name/);
    expect(make(['/opt/%PORT%/pgentra'])).toThrow(/%HOSTNAME%, %PORT% or %USERNAME%/);
  });

  it('never contains a pgAdmin placeholder, whatever the path (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...Array.from('%HOSTNAMEPRTUSER /\'"$a')), maxLength: 30 }),
        fc.constantFrom<NodeJS.Platform>('linux', 'darwin'),
        (dir, platform) => {
          let command: string;
          try {
            command = passwordExecCommand({
              pgentraCommand: [`/${dir}/pgentra`],
              cluster: 'prod',
              minValidSec: 600,
              platform,
            });
          } catch (error) {
            expect(error).toBeInstanceOf(LaunchError);
            return;
          }
          expect(command).not.toMatch(/%(HOSTNAME|PORT|USERNAME)%/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the environment PasswordExecCommand names', () => {
  it('pins the config dir only when a bare environment would not find it', () => {
    expect(pgentraCommandEnv('/home/ann/.config/pgentra', {}, 'linux', '/home/ann')).toBeUndefined();
    expect(
      pgentraCommandEnv(
        '/home/ann/.config/pgentra',
        { PGENTRA_HOME: '/home/ann/.config/pgentra' },
        'linux',
        '/home/ann',
      ),
    ).toBeUndefined();
    expect(
      pgentraCommandEnv('/srv/xdg/pgentra', { XDG_CONFIG_HOME: '/srv/xdg' }, 'linux', '/home/ann'),
    ).toEqual({
      PGENTRA_HOME: '/srv/xdg/pgentra',
    });
    expect(
      pgentraCommandEnv('/tmp/profile', { PGENTRA_HOME: '/tmp/profile' }, 'darwin', '/Users/ann'),
    ).toEqual({
      PGENTRA_HOME: '/tmp/profile',
    });
    const appData = 'C:\\Users\\ann\\AppData\\Roaming';
    expect(
      pgentraCommandEnv(`${appData}\\pgentra`, { APPDATA: appData }, 'win32', 'C:\\Users\\ann'),
    ).toBeUndefined();
  });
});

describe('importing with setup.py', () => {
  const install: PgadminInstall = pgadminLayout('linux', '/usr/pgadmin4');

  it("runs setup.py with pgAdmin's python in desktop mode, and never with --replace", () => {
    const typer = setupPyCommand(install, 'typer', 'load-servers', '/w/import.json', {
      sqlitePath: '/home/z/.pgadmin/pgadmin4.db',
      env: { PATH: '/usr/bin' },
    });
    expect(typer).toEqual({
      command: '/usr/pgadmin4/venv/bin/python3',
      env: { PATH: '/usr/bin', PYTHONDONTWRITEBYTECODE: '1' },
      args: [
        '-B',
        '-s',
        '-X',
        'utf8',
        '-c',
        DESKTOP_BOOTSTRAP,
        '/usr/pgadmin4/web/setup.py',
        'load-servers',
        '/w/import.json',
        '--sqlite-path',
        '/home/z/.pgadmin/pgadmin4.db',
      ],
      stdio: 'pipe',
    });
    expect(DESKTOP_BOOTSTRAP).toContain("init_globals={'SERVER_MODE': False}");
    const old = setupPyCommand(install, 'argparse', 'dump-servers', '/w/dump.json', {
      sqlitePath: '/db',
      user: 'a@b.c',
      env: {},
    });
    expect(old.args.slice(7)).toEqual([
      '--dump-servers',
      '/w/dump.json',
      '--sqlite-path',
      '/db',
      '--user',
      'a@b.c',
    ]);
    for (const request of [typer, old]) expect(request.args).not.toContain('--replace');
  });

  it("imports only servers missing from the pgentra group, never touching the user's", () => {
    const wanted = serversJson(
      [
        { name: 'prod', target: target() },
        { name: 'staging', target: target({ host: 'staging.postgres.database.azure.com' }) },
        { name: 'dev', target: target({ host: 'dev.postgres.database.azure.com' }) },
      ],
      options,
    );
    const dumped = {
      Servers: {
        '1': {
          Name: 'prod',
          Group: 'Servers',
          Host: 'elsewhere',
          Port: 5432,
          MaintenanceDB: 'postgres',
          Username: 'me',
        },
        '2': { ...wanted.Servers['1'] },
        '3': { ...wanted.Servers['2'], Host: 'old.postgres.database.azure.com' },
        '4': {
          Name: 'mine',
          Group: 'pgentra',
          Host: 'x',
          Port: 5432,
          MaintenanceDB: 'postgres',
          Username: 'me',
        },
      },
    };
    const plan = planImport(wanted, dumped);
    expect(plan).toMatchObject({ added: ['dev'], unchanged: ['prod'], changed: ['staging'] });
    expect(plan.toImport).toEqual({ Servers: { '1': wanted.Servers['3'] } });
    expect(() => planImport(wanted, { nope: 1 })).toThrow();
  });

  it('knows where each OS keeps pgAdmin, its python and its settings', () => {
    expect(pgadminLayout('darwin', '/Applications/pgAdmin 4.app')).toEqual({
      platform: 'darwin',
      root: '/Applications/pgAdmin 4.app',
      python: '/Applications/pgAdmin 4.app/Contents/Frameworks/Python.framework/Versions/Current/bin/python3',
      setupPy: '/Applications/pgAdmin 4.app/Contents/Resources/web/setup.py',
      launch: { command: '/usr/bin/open', args: ['/Applications/pgAdmin 4.app'], stdio: 'ignore' },
    });
    expect(pgadminLayout('win32', 'C:\\Program Files\\pgAdmin 4')).toMatchObject({
      python: 'C:\\Program Files\\pgAdmin 4\\python\\python.exe',
      setupPy: 'C:\\Program Files\\pgAdmin 4\\web\\setup.py',
      launch: { command: 'C:\\Program Files\\pgAdmin 4\\runtime\\pgAdmin4.exe', detached: true },
    });
    expect(pgadminDataDir('linux', {}, '/home/z')).toEqual({
      dataDir: '/home/z/.pgadmin',
      sqlitePath: '/home/z/.pgadmin/pgadmin4.db',
    });
    expect(pgadminDataDir('win32', { APPDATA: 'C:\\Users\\Z\\AppData\\Roaming' }, 'C:\\Users\\Z')).toEqual({
      dataDir: 'C:\\Users\\Z\\AppData\\Roaming\\pgAdmin',
      sqlitePath: 'C:\\Users\\Z\\AppData\\Roaming\\pgAdmin\\pgadmin4.db',
    });
  });
});

// ---- effects through fakes -------------------------------------------------------------------

function memoryFs(
  initial: Record<string, string> = {},
): FileSystem & { files: Map<string, { data: string; mode: number }> } {
  const files = new Map(Object.entries(initial).map(([file, data]) => [file, { data, mode: 0o644 }]));
  const dirs = new Set<string>();
  return {
    files,
    readFile: async (file) => {
      const entry = files.get(file);
      if (!entry) throw Object.assign(new Error(`ENOENT ${file}`), { code: 'ENOENT' });
      return Buffer.from(entry.data);
    },
    lstat: async (file) =>
      files.has(file)
        ? fakeStat('file', files.get(file)?.mode ?? 0o700)
        : dirs.has(file)
          ? fakeStat('directory', 0o700)
          : null,
    writeNewFile: async (file, data, mode) => {
      if (files.has(file)) throw new Error('EEXIST');
      files.set(file, { data: data.toString('utf8'), mode });
    },
    rename: async (from, to) => {
      const entry = files.get(from);
      if (!entry) throw new Error('ENOENT');
      files.delete(from);
      files.set(to, entry);
    },
    unlink: async (file) => void files.delete(file),
    mkdir: async (dir) => void dirs.add(dir),
    chmod: async () => undefined,
    syncDirectory: async () => undefined,
    readdir: async (dir) => {
      const names = [...files.keys(), ...dirs]
        .filter((p) => p.startsWith(`${dir}\\`) || p.startsWith(`${dir}/`))
        .map((p) => p.slice(dir.length + 1).split(/[\\/]/)[0] ?? '');
      return [...new Set(names)];
    },
  };
}

describe('finding pgAdmin', () => {
  it('finds an older Windows install in its version folder, and rejects a wrong configured folder', async () => {
    const fs = memoryFs({ 'C:\\Program Files\\pgAdmin 4\\v6\\web\\setup.py': '' });
    const processes = fakeProcesses('win32', ['C:\\Program Files\\pgAdmin 4\\v6\\python\\python.exe']);
    const deps = { processes, fs, env: { ProgramFiles: 'C:\\Program Files' }, homedir: 'C:\\Users\\Z' };
    expect((await findPgadmin(deps))?.root).toBe('C:\\Program Files\\pgAdmin 4\\v6');
    await expect(findPgadmin(deps, 'D:\\nothing')).rejects.toMatchObject({ reason: 'pgadmin-missing' });
    expect(await findPgadmin({ ...deps, processes: fakeProcesses('linux', []) })).toBeNull();
  });

  it('without pgAdmin, writes a 0600 servers.json and explains the manual import', async () => {
    const fs = memoryFs();
    const json = serversJson([{ name: 'prod', target: target() }], options);
    const result = await setUpPgadmin(
      { processes: fakeProcesses('linux', []), fs, env: {}, homedir: '/home/z', randomId: () => 'r' },
      json,
      {
        file: '/home/z/.config/pgentra/pgadmin/servers.json',
        workDir: '/home/z/.config/pgentra/pgadmin',
        launch: true,
      },
    );
    expect(result).toMatchObject({ install: null, launched: false, report: null });
    const written = fs.files.get('/home/z/.config/pgentra/pgadmin/servers.json');
    expect(written?.mode).toBe(0o600);
    expect(JSON.parse(written?.data ?? '')).toEqual(json);
    expect(result.message).toContain('pgAdmin 4 was not found (looked in /usr/pgadmin4)');
    expect(result.message).toContain(
      manualImportInstructions('/home/z/.config/pgentra/pgadmin/servers.json'),
    );
    expect(result.message).toMatch(/Tools → Import\/Export Servers…, select Import/);
    expect(result.message).toMatch(/"Remove all the existing servers\?" OFF/);
  });
});

describe('pgentra pgadmin', () => {
  const deps = (
    processes: Processes,
    fs: FileSystem,
    names = ['prod', 'staging'],
  ): PgadminCommandDeps & { ensured: boolean[] } => {
    const ensured: boolean[] = [];
    return {
      ensured,
      clusterNames: () => names,
      connectionTarget: async (_name, opts) => (ensured.push(opts.ensureToken), target()),
      pgentraCommand: ['/usr/bin/node', '/opt/pgentra/bin/pgentra.cjs'],
      processes,
      fs,
      homedir: '/home/z',
    };
  };

  it('--write only writes the file, for every cluster with --all, pinning PGENTRA_HOME when set', async () => {
    const fs = memoryFs();
    const processes = fakeProcesses('linux', []);
    const io = testIo({ PGENTRA_HOME: '/srv/pg home' });
    const used = deps(processes, fs);
    expect(await pgadminCommand(['--all', '--write', '/tmp/out/servers.json', '--json'], io, used)).toBe(0);
    const written = serversFileSchema.parse(JSON.parse(fs.files.get('/tmp/out/servers.json')?.data ?? ''));
    expect(Object.values(written.Servers).map((s) => s.Name)).toEqual(['prod', 'staging']);
    expect(written.Servers['1']?.PasswordExecCommand).toBe(
      "PGENTRA_HOME='/srv/pg home' '/usr/bin/node' '/opt/pgentra/bin/pgentra.cjs' token prod --min-valid 10m",
    );
    expect(processes.runs).toEqual([]);
    expect(used.ensured).toEqual([false, false]);
    expect(io.err).toContain('Wrote 2 server(s) to /tmp/out/servers.json.');
    expect(JSON.parse(io.out)).toEqual({
      file: '/tmp/out/servers.json',
      servers: ['prod', 'staging'],
      imported: false,
    });
  });

  it('without pgAdmin, `pgadmin NAME` succeeds with its documented fallback: servers.json and the import steps', async () => {
    const io = testIo({ XDG_CONFIG_HOME: '/home/z/.config' });
    const fs = memoryFs();
    expect(await pgadminCommand(['prod'], io, deps(fakeProcesses('linux', []), fs))).toBe(0);
    expect(io.err).toContain('/home/z/.config/pgentra/pgadmin/servers.json');
  });

  it('exits 5 with the manual steps when pgAdmin is not installed and --launch asked to start it', async () => {
    const io = testIo({ XDG_CONFIG_HOME: '/home/z/.config' });
    expect(await pgadminCommand(['prod', '--launch'], io, deps(fakeProcesses('linux', []), memoryFs()))).toBe(
      5,
    );
    expect(io.err).toContain('pgAdmin 4 was not found');
    expect(io.err).toContain('/home/z/.config/pgentra/pgadmin/servers.json');
  });

  it('uses the pgAdmin path setting, and says so when nothing is there', async () => {
    const used = { ...deps(fakeProcesses('linux', []), memoryFs()), pgadminPath: '/opt/pgadmin4' };
    await expect(pgadminCommand(['prod'], testIo(), used)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringContaining('no pgAdmin 4 at /opt/pgadmin4'),
    });
  });

  it('checks its arguments', async () => {
    const used = deps(fakeProcesses('linux', []), memoryFs());
    await expect(pgadminCommand([], testIo(), used)).rejects.toMatchObject({ exitCode: 2 });
    await expect(pgadminCommand(['prod', '--all'], testIo(), used)).rejects.toMatchObject({ exitCode: 2 });
    await expect(pgadminCommand(['prod', '--write', 'x', '--launch'], testIo(), used)).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(
      pgadminCommand(['prod', '--min-valid', '1m', '--write', '/x'], testIo(), used),
    ).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/between 2 and 45/) });
    await expect(
      pgadminCommand(['--all'], testIo(), deps(fakeProcesses('linux', []), memoryFs(), [])),
    ).rejects.toMatchObject({ exitCode: 5 });
    const io = testIo();
    expect(await pgadminCommand(['--help'], io, used)).toBe(0);
    expect(io.out).toMatch(/Examples:\n {2}pgentra pgadmin prod --launch/);
  });

  it('server mode writes passfile servers and the exact admin import command, refreshing pgpass first', async () => {
    const fs = memoryFs();
    const io = testIo();
    const used = deps(fakeProcesses('linux', []), fs);
    expect(
      await pgadminCommand(
        [
          'prod',
          '--server-mode',
          '--passfile',
          'pgpass',
          '--user',
          'zoe@contoso.com',
          '--write',
          '/tmp/s.json',
        ],
        io,
        used,
      ),
    ).toBe(0);
    expect(used.ensured).toEqual([true]);
    const written = serversFileSchema.parse(JSON.parse(fs.files.get('/tmp/s.json')?.data ?? ''));
    expect(written.Servers['1']?.ConnectionParameters?.passfile).toBe('pgpass');
    expect(io.err).toContain('setup.py load-servers /tmp/s.json --user zoe@contoso.com');
  });
});
