// pgAdmin end to end, without pgAdmin: the PasswordExecCommand run exactly as pgAdmin's passexec
// runs it (Python subprocess, shell=True), and the import driven through a stand-in setup.py that
// behaves as pgAdmin's documents and code do (appends, --replace wipes everything, server mode
// drops PasswordExecCommand, errors printed with exit code 0).
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../electron/core/launch/connection.js';
import { setUpPgadmin } from '../../electron/core/launch/pgadmin.js';
import {
  passwordExecCommand,
  serversJson,
  type ServersJsonOptions,
} from '../../electron/core/launch/pgadmin-servers.js';
import { createNodeProcesses, nodeFileSystem } from '../../electron/core/node-ports.js';

const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((candidate) => existsSync(candidate));

// passexec.py PasswordExec.get(): placeholders replaced, then subprocess.run(cmd, shell=True, …),
// stdout stripped is the password.
const PASSEXEC = `
import subprocess, sys
cmd = sys.argv[1].replace('%HOSTNAME%', 'h').replace('%PORT%', '5432').replace('%USERNAME%', '"u"')
p = subprocess.run(cmd, shell=True, timeout=60, capture_output=True, text=True, check=True)
sys.stdout.write(p.stdout.strip())
`;

// Stand-in for pgAdmin's web/setup.py (load-servers / dump-servers), keeping the behaviour that
// matters: SERVER_MODE from globals else server mode, where PasswordExecCommand is not imported;
// a missing settings DB printed with exit 0; validate_json_data's required keys; load appends.
const FAKE_SETUP_PY = String.raw`
import json, os, sys
server_mode = globals().get('SERVER_MODE')
if server_mode is None:
    server_mode = True
args = sys.argv[1:]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'calls.jsonl'), 'a') as log:
    log.write(json.dumps({'argv': args, 'server_mode': server_mode}) + '\n')
command, file = args[0], args[1]
opts = {}
i = 2
while i < len(args):
    if args[i] == '--replace':
        opts['replace'] = True
        i += 1
    else:
        opts[args[i]] = args[i + 1]
        i += 2
db_path = opts.get('--sqlite-path', os.path.expanduser('~/.pgadmin/pgadmin4.db'))
if not os.path.exists(db_path):
    print('SQLite database file "%s" does not exists.' % db_path)
    sys.exit(0)
with open(db_path) as f:
    db = json.load(f)
if command == 'dump-servers':
    with open(file, 'w') as f:
        json.dump({'Servers': {str(n + 1): s for n, s in enumerate(db['servers'])}}, f, indent=4)
    print('Configuration for %d servers dumped to %s' % (len(db['servers']), file))
    sys.exit(0)
if opts.get('replace'):
    db['servers'] = []
with open(file) as f:
    data = json.load(f)
for key, obj in data['Servers'].items():
    for attrib in ('Group', 'Name', 'Port', 'Username', 'MaintenanceDB', 'Host'):
        if attrib not in obj:
            print("'%s' attribute not found for server '%s'" % (attrib, key))
            sys.exit(1)
    if not isinstance(obj['Port'], int):
        print("Port must be integer for server '%s'" % key)
        sys.exit(1)
groups = set(s['Group'] for s in db['servers'])
added_groups = 0
for obj in data['Servers'].values():
    stored = {k: obj[k] for k in ('Name', 'Group', 'Host', 'Port', 'MaintenanceDB', 'Username', 'ConnectionParameters', 'Comment') if k in obj}
    if not server_mode:
        for k in ('PasswordExecCommand', 'PasswordExecExpiration'):
            if k in obj:
                stored[k] = obj[k]
    if obj['Group'] not in groups:
        groups.add(obj['Group'])
        added_groups += 1
    db['servers'].append(stored)
with open(db_path, 'w') as f:
    json.dump(db, f)
print('Added %d Server Group(s) and %d Server(s).' % (added_groups, len(data['Servers'])))
`;

const target = (host: string): ConnectionTarget => ({
  host,
  port: 5432,
  database: 'postgres',
  user: "zoë o'brien@contoso.com",
  passfile: '/nowhere/pgpass',
  sslmode: 'require',
});

let base: string;
beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-pgadmin-'));
});
afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** A stand-in pgentra that prints its argv and PGENTRA_HOME as JSON (the "token" pgAdmin reads). */
const ECHO_JS =
  'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), home: process.env.PGENTRA_HOME ?? null }) + "\\n");\n';

describe('PasswordExecCommand, run the way pgAdmin runs it', () => {
  const dirs = [
    'plain',
    `it's a "dir" with $HOME, \`id\`, & | ; < > ( ) % ! ^ * ?`,
    'zoë データ 🐘',
    'trailing space ',
  ];

  it.each(dirs)('runs the intended argv through /bin/sh -c for a pgentra in %j', async (name) => {
    const dir = path.join(base, name);
    await fs.mkdir(dir, { recursive: true });
    const script = path.join(dir, 'pgentra.cjs');
    await fs.writeFile(script, ECHO_JS);
    const binary = path.join(dir, 'pgentra');
    // A "packaged binary": one executable file (here a script that runs the stand-in).
    await fs.writeFile(binary, `#!/bin/sh\nexec '${process.execPath}' "$(dirname "$0")/pgentra.cjs" "$@"\n`, {
      mode: 0o755,
    });
    for (const pgentraCommand of [[process.execPath, script], [binary]]) {
      const command = passwordExecCommand({
        pgentraCommand,
        cluster: 'prod-eu.1',
        minValidSec: 600,
        platform: 'linux',
        commandEnv: { PGENTRA_HOME: path.join(dir, 'config home') },
      });
      // Through a shell, and the way pgAdmin itself runs a passexec command where Python is here.
      const runners: [string, string[]][] = [['/bin/sh', ['-c', command]]];
      if (PYTHON) runners.push([PYTHON, ['-c', PASSEXEC, command]]);
      for (const [program, args] of runners) {
        const run = spawnSync(program, args, { encoding: 'utf8', env: { PATH: process.env.PATH } });
        expect(run.stderr, program).toBe('');
        expect(JSON.parse(run.stdout), program).toEqual({
          argv: ['token', 'prod-eu.1', '--min-valid', '10m'],
          home: path.join(dir, 'config home'),
        });
      }
    }
  });
});

describe.skipIf(!PYTHON)('import into pgAdmin through setup.py (stand-in)', () => {
  let root: string;
  let home: string;
  let db: string;
  const userServers = [
    {
      Name: 'prod',
      Group: 'Servers',
      Host: 'my-own.example.com',
      Port: 5432,
      MaintenanceDB: 'postgres',
      Username: 'me',
    },
    {
      Name: 'scratch',
      Group: 'pgentra',
      Host: 'localhost',
      Port: 5433,
      MaintenanceDB: 'postgres',
      Username: 'me',
    },
  ];
  const calls = async () =>
    (await fs.readFile(path.join(root, 'web', 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { argv: string[]; server_mode: boolean });
  const stored = async () =>
    (JSON.parse(await fs.readFile(db, 'utf8')) as { servers: Record<string, unknown>[] }).servers;

  beforeAll(async () => {
    root = path.join(base, 'pg admin "root"');
    home = path.join(base, 'home');
    await fs.mkdir(path.join(root, 'venv', 'bin'), { recursive: true });
    await fs.mkdir(path.join(root, 'web'), { recursive: true });
    await fs.mkdir(path.join(root, 'bin'), { recursive: true });
    await fs.symlink(PYTHON ?? '', path.join(root, 'venv', 'bin', 'python3'));
    // pgAdmin >= 8.2's setup.py imports typer (the subcommand style); the stand-in keeps that line.
    await fs.writeFile(
      path.join(root, 'web', 'setup.py'),
      `try:\n    import typer\nexcept ImportError:\n    pass\n${FAKE_SETUP_PY}`,
    );
    await fs.writeFile(
      path.join(root, 'bin', 'pgadmin4'),
      `#!/bin/sh\necho started > '${path.join(base, 'launched').replace(/'/g, `'\\''`)}'\n`,
      { mode: 0o755 },
    );
    db = path.join(home, '.pgadmin', 'pgadmin4.db');
  });

  const run = (
    clusters: { name: string; host: string }[],
    options: Partial<ServersJsonOptions> & { launch?: boolean } = {},
  ) =>
    setUpPgadmin(
      { processes: createNodeProcesses(), fs: nodeFileSystem, env: {}, homedir: home },
      serversJson(
        clusters.map(({ name, host }) => ({ name, target: target(host) })),
        {
          pgentraCommand: ['/usr/bin/node', '/opt/pgentra/bin/pgentra.cjs'],
          minValidSec: 600,
          platform: 'linux',
          ...options,
        },
      ),
      {
        file: path.join(base, 'config', 'pgadmin', 'servers.json'),
        workDir: path.join(base, 'config', 'pgadmin'),
        pgadminPath: root,
        launch: options.launch ?? false,
      },
    );

  it('asks to start pgAdmin once when it has no settings database yet', async () => {
    await expect(run([{ name: 'prod', host: 'a.postgres.database.azure.com' }])).rejects.toMatchObject({
      reason: 'pgadmin-failed',
      hint: expect.stringMatching(/Start pgAdmin once/),
    });
  });

  it("adds missing servers in desktop mode, then re-runs without duplicates or touching the user's servers", async () => {
    await fs.mkdir(path.dirname(db), { recursive: true });
    await fs.writeFile(db, JSON.stringify({ servers: userServers }));
    const clusters = [
      { name: 'prod', host: 'a.postgres.database.azure.com' },
      { name: 'staging', host: 'b.postgres.database.azure.com' },
    ];

    const first = await run(clusters, { launch: true });
    expect(first.report).toEqual({ added: ['prod', 'staging'], unchanged: [], changed: [] });
    expect(first.launched).toBe(true);
    expect(first.message).toContain('Added to pgAdmin (group "pgentra"): prod, staging.');
    const afterFirst = await stored();
    expect(afterFirst.slice(0, 2)).toEqual(userServers);
    expect(
      afterFirst.slice(2).map((s) => [s.Name, s.Group, s.PasswordExecCommand, s.PasswordExecExpiration]),
    ).toEqual([
      ['prod', 'pgentra', "'/usr/bin/node' '/opt/pgentra/bin/pgentra.cjs' token prod --min-valid 10m", 540],
      [
        'staging',
        'pgentra',
        "'/usr/bin/node' '/opt/pgentra/bin/pgentra.cjs' token staging --min-valid 10m",
        540,
      ],
    ]);

    const second = await run([...clusters, { name: 'dev', host: 'c.postgres.database.azure.com' }]);
    expect(second.report).toEqual({ added: ['dev'], unchanged: ['prod', 'staging'], changed: [] });
    const third = await run(clusters, { minValidSec: 900 });
    expect(third.report).toEqual({ added: [], unchanged: [], changed: ['prod', 'staging'] });
    expect(third.message).toMatch(/left as they are: prod, staging/);
    const final = await stored();
    expect(final.map((s) => `${String(s.Group)}/${String(s.Name)}`)).toEqual([
      'Servers/prod',
      'pgentra/scratch',
      'pgentra/prod',
      'pgentra/staging',
      'pgentra/dev',
    ]);

    const log = await calls();
    expect(log.every((call) => call.server_mode === false)).toBe(true);
    expect(log.some((call) => call.argv.includes('--replace'))).toBe(false);
    expect(log.map((call) => call.argv[0])).toEqual([
      'dump-servers',
      'load-servers',
      'dump-servers',
      'load-servers',
      'dump-servers',
    ]);
    expect(log.every((call) => call.argv.includes('--sqlite-path') && call.argv.includes(db))).toBe(true);
    expect(await fs.readFile(path.join(base, 'launched'), 'utf8')).toBe('started\n');
    // The dump (the user's server list) and the import file are not left behind.
    expect((await fs.readdir(path.join(base, 'config', 'pgadmin'))).sort()).toEqual(['servers.json']);
    expect((await fs.stat(path.join(base, 'config', 'pgadmin', 'servers.json'))).mode & 0o777).toBe(0o600);
  });

  it('reports setup.py output when an import fails', async () => {
    await fs.writeFile(db, '{"servers": [}');
    await expect(run([{ name: 'prod', host: 'a.postgres.database.azure.com' }])).rejects.toMatchObject({
      reason: 'pgadmin-failed',
      message: expect.stringMatching(/dump-servers failed/),
    });
  });
});
