// How pgentra runs pgAdmin's own Python (setup.py dump-servers / load-servers) on each OS, checked
// against what pgAdmin's runtime does before it starts the same Python (pgadmin-org/pgadmin4 at
// bc58657, runtime/src/js/pgadmin.js startDesktopMode).
import { describe, expect, it } from 'vitest';
import { importServers, setupPyCommand } from '../../../../electron/core/launch/pgadmin-import.js';
import { pgadminLayout } from '../../../../electron/core/launch/pgadmin-install.js';
import { serversJsonText, type ServersJson } from '../../../../electron/core/launch/pgadmin-servers.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';
import { fakeProcesses } from '../../../support/fakes/processes.js';

const windowsInstall = pgadminLayout('win32', 'C:\\Program Files\\pgAdmin 4');

describe('Windows: libpq for psycopg (issue 17, item 12)', () => {
  // pgadmin.js:258-260 puts `<root>\runtime` (libpq.dll and its OpenSSL) first on PATH;
  // psycopg looks libpq up with ctypes.util.find_library("libpq.dll"), a PATH search
  // (psycopg/psycopg/pq/misc.py:55), and otherwise says "no pq wrapper available".
  it("puts pgAdmin's runtime folder first on the PATH it already has, whatever the key's spelling", () => {
    const request = setupPyCommand(windowsInstall, 'typer', 'load-servers', 'C:\\w\\i.json', {
      sqlitePath: 'C:\\Users\\Z\\AppData\\Roaming\\pgAdmin\\pgadmin4.db',
      env: { Path: 'C:\\Windows\\system32;C:\\Program Files\\PostgreSQL\\12\\bin', USERNAME: 'z' },
    });
    expect(request.env).toMatchObject({
      Path: 'C:\\Program Files\\pgAdmin 4\\runtime;C:\\Windows\\system32;C:\\Program Files\\PostgreSQL\\12\\bin',
      USERNAME: 'z',
    });
    // One PATH only: Node would pick one of two spellings at random order of keys.
    expect(Object.keys(request.env ?? {}).filter((key) => key.toUpperCase() === 'PATH')).toEqual(['Path']);
  });

  it('gives a PATH of just the runtime folder when there was none', () => {
    const request = setupPyCommand(windowsInstall, 'typer', 'dump-servers', 'C:\\w\\d.json', {
      sqlitePath: 'C:\\db',
      env: {},
    });
    expect(request.env?.Path).toBe('C:\\Program Files\\pgAdmin 4\\runtime');
  });

  it('leaves PATH alone on Linux and macOS, whose pgAdmin Python finds libpq by itself', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const request = setupPyCommand(pgadminLayout(platform, '/p'), 'typer', 'dump-servers', '/w/d.json', {
        sqlitePath: '/db',
        env: { PATH: '/usr/bin' },
      });
      expect(request.env?.PATH).toBe('/usr/bin');
    }
  });
});

describe("macOS: no bytecode written into pgAdmin's signed app (issue 17, item 21)", () => {
  // pgadmin.js:232-233: "Prevent Python from writing .pyc files to the signed bundle";
  // pgadmin.js:269 runs `python -s pgAdmin4.py`.
  it('runs the Python with -B -s and PYTHONDONTWRITEBYTECODE=1, the environment otherwise the caller’s', async () => {
    const root = '/Applications/pgAdmin 4.app';
    const install = pgadminLayout('darwin', root);
    const fs = new MemoryFileSystem();
    fs.put(install.setupPy, 'import typer\n').put('/Users/z/.pgadmin/pgadmin4.db', '');
    fs.mkdirp('/Users/z/.config/pgentra/pgadmin', 0o700);
    const processes = fakeProcesses('darwin', [install.python], (request) => {
      if (request.args.includes('dump-servers')) fs.put(String(request.args.at(-3)), '{"Servers": {}}');
      return {};
    });
    const wanted: ServersJson = { Servers: {} };
    await importServers({ processes, fs, env: { HOME: '/Users/z' }, homedir: '/Users/z' }, install, wanted, {
      workDir: '/Users/z/.config/pgentra/pgadmin',
      sqlitePath: '/Users/z/.pgadmin/pgadmin4.db',
    });
    expect(processes.runs).toHaveLength(1);
    const [run] = processes.runs;
    expect(run?.args.slice(0, 2)).toEqual(['-B', '-s']);
    expect(run?.env).toEqual({ HOME: '/Users/z', PYTHONDONTWRITEBYTECODE: '1' });
  });
});

describe('Windows: non-ASCII user names reach pgAdmin intact (issue 17, item 14)', () => {
  // web/setup.py:208 reads the file with `open(file_path)`, no encoding: the ANSI code page on
  // Windows unless UTF-8 mode is on (CPython Lib/_pyio.py text_encoding).
  it('writes servers.json in ASCII, every other character as a JSON \\u escape, and runs Python in UTF-8 mode', async () => {
    const json: ServersJson = {
      Servers: {
        '1': {
          Name: 'prod',
          Group: 'pgentra',
          Host: 'h.postgres.database.azure.com',
          Port: 5432,
          MaintenanceDB: 'postgres',
          Username: 'zoë.łukasz.田中@contoso.com 😀',
          SSLMode: 'verify-full',
          ConnectionParameters: {},
          Comment: '',
        },
      },
    };
    const text = serversJsonText(json);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(text).toContain('zo\\u00eb.\\u0142ukasz.\\u7530\\u4e2d@contoso.com \\ud83d\\ude00');
    expect(JSON.parse(text)).toEqual(json);

    const request = setupPyCommand(windowsInstall, 'typer', 'load-servers', 'C:\\w\\i.json', {
      sqlitePath: 'C:\\db',
      env: {},
    });
    expect(request.args.slice(0, 4)).toEqual(['-B', '-s', '-X', 'utf8']);
  });
});
