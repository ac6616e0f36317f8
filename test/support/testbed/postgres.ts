// A throwaway PostgreSQL cluster for the testbed: initdb into a temp dir, start on a free
// loopback port with a private socket dir, SCRAM everywhere (so the gateway's upstream login is
// the real handshake), and stop it again. initdb refuses to run as root, so as root everything
// runs as the `postgres` OS user that Debian's package creates.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { QueryResultRow } from 'pg';

const run = promisify(execFile);

export interface RoleOptions {
  /** Azure's Entra roles (users and groups alike) can log in; default true. */
  login?: boolean;
  superuser?: boolean;
  createdb?: boolean;
  /** Roles this one becomes a member of (GRANT parent TO role). */
  memberOf?: string[];
}

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  /** Directory holding `.s.PGSQL.<port>`; the gateway connects through it. */
  socketDir: string;
  superuser: string;
  superPassword: string;
  dataDir: string;
  /** Creates a role with a random password that only {@link roleSecret} reveals. */
  createRole(name: string, options?: RoleOptions): Promise<void>;
  /** The password a role logs in with upstream (what Azure keeps internal). Throws for unknown roles. */
  roleSecret(name: string): string;
  createDatabase(name: string, owner?: string): Promise<void>;
  /** Runs SQL as the superuser over TCP. */
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Fast shutdown; safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** An empty or missing directory for the cluster; its parents must be searchable by `postgres`. */
  dir: string;
  /** A fixed port; by default a free loopback port is picked. */
  port?: number;
}

const INSTALL_HINT = 'Install the server with `apt-get install postgresql` (or set PGENTRA_PG_BINDIR).';

/** Where initdb, pg_ctl and postgres live: PGENTRA_PG_BINDIR, else the newest Debian layout, else pg_config. */
export async function findPostgresBinDir(): Promise<string> {
  const override = process.env.PGENTRA_PG_BINDIR;
  if (override) {
    if (!existsSync(path.join(override, 'initdb'))) {
      throw new Error(`PGENTRA_PG_BINDIR=${override} has no initdb. ${INSTALL_HINT}`);
    }
    return override;
  }
  const debianRoot = '/usr/lib/postgresql';
  const versions = await fs.readdir(debianRoot).catch(() => [] as string[]);
  const newestFirst = versions
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(debianRoot, version, 'bin'));
  const found = newestFirst.find((dir) => existsSync(path.join(dir, 'initdb')));
  if (found) return found;
  // pg_config from libpq-dev alone points at client binaries, so initdb must be checked too.
  const fromPgConfig = await run('pg_config', ['--bindir'])
    .then(({ stdout }) => stdout.trim())
    .catch(() => '');
  if (fromPgConfig && existsSync(path.join(fromPgConfig, 'initdb'))) return fromPgConfig;
  throw new Error(`PostgreSQL server binaries (initdb, pg_ctl) not found. ${INSTALL_HINT}`);
}

interface OsUser {
  /** Prefix for every server command: `runuser -u postgres --` as root, nothing otherwise. */
  wrap(command: string, args: string[]): [string, string[]];
  /** Hands a path we created to the user that runs the server. */
  own(target: string): Promise<void>;
}

async function serverOsUser(): Promise<OsUser> {
  if (process.getuid?.() !== 0) {
    return { wrap: (command, args) => [command, args], own: async () => undefined };
  }
  const ids = await run('id', ['-u', 'postgres']).catch(() => null);
  if (!ids) {
    throw new Error(`Running as root needs the \`postgres\` OS user for initdb. ${INSTALL_HINT}`);
  }
  return {
    wrap: (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]],
    own: async (target) => {
      await run('chown', ['-R', 'postgres:', target]);
    },
  };
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the probe port'));
      });
    });
  });
}

function commandError(what: string, error: unknown, logFile?: string): Error {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  let log = '';
  if (logFile && existsSync(logFile)) {
    try {
      log = execFileSync('tail', ['-n', '20', logFile], { encoding: 'utf8' }).trim();
    } catch {
      // The log is a courtesy; the command's own error still explains the failure.
    }
  }
  const parts = [`${what} failed: ${stderr || String(error)}`];
  if (log) parts.push(`server log:\n${log}`);
  return new Error(parts.join('\n'), { cause: error });
}

/** A postgresql.conf string literal. */
const confString = (value: string) => `'${value.replace(/'/g, "''")}'`;

// Last line of defence for a worker that exits without afterAll (a crash, process.exit): a
// leftover postmaster would hold its port and temp dir until the machine reboots.
const running = new Set<() => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const stopNow of running) stopNow();
  });
}

export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const bin = await findPostgresBinDir();
  const osUser = await serverOsUser();
  const dir = path.resolve(options.dir);
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  const logFile = path.join(dir, 'server.log');
  const passwordFile = path.join(dir, 'superuser.password');
  const superuser = 'postgres';
  // base64url has no characters SASLprep would rewrite, so SCRAM needs no normalisation.
  const superPassword = randomBytes(24).toString('base64url');

  await fs.mkdir(socketDir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  await fs.writeFile(passwordFile, superPassword, { mode: 0o600 });
  await osUser.own(dir);

  const serverCommand = async (tool: string, args: string[], what: string) => {
    const [command, argv] = osUser.wrap(path.join(bin, tool), args);
    try {
      return await run(command, argv, { cwd: dir, timeout: 60_000 });
    } catch (error) {
      throw commandError(what, error, tool === 'pg_ctl' ? logFile : undefined);
    }
  };

  await serverCommand(
    'initdb',
    [
      '-D',
      dataDir,
      '-U',
      superuser,
      `--pwfile=${passwordFile}`,
      '--auth-local=scram-sha-256',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ],
    `initdb in ${dir} (the postgres OS user must be able to reach it; check the parent directories' permissions)`,
  );

  const baseConf = await fs.readFile(path.join(dataDir, 'postgresql.conf'), 'utf8');
  const writeConf = async (port: number) => {
    const settings = [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ${confString(socketDir)}`,
      // Durability is worthless for a cluster deleted after the run; speed is not.
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
    ];
    // Rewriting an existing file keeps its owner, so the server can still read it.
    await fs.writeFile(path.join(dataDir, 'postgresql.conf'), `${baseConf}\n${settings.join('\n')}\n`);
  };

  const pgCtlStop = (mode: 'fast' | 'immediate') =>
    osUser.wrap(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', '-t', '30', 'stop']);

  let port = options.port ?? (await freeLoopbackPort());
  // Another process can grab a probed port before the postmaster binds it; pick again then.
  for (let attempt = 1; ; attempt++) {
    await writeConf(port);
    try {
      await serverCommand(
        'pg_ctl',
        ['-D', dataDir, '-l', logFile, '-w', '-t', '30', 'start'],
        `pg_ctl start on port ${port}`,
      );
      break;
    } catch (error) {
      const log = await fs.readFile(logFile, 'utf8').catch(() => '');
      if (options.port !== undefined || attempt >= 3 || !/could not bind|Address already in use/.test(log)) {
        // pg_ctl gives up after its timeout but a slow postmaster may still come up; don't leak it.
        if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
          const [command, argv] = pgCtlStop('immediate');
          await run(command, argv, { timeout: 60_000 }).catch(() => undefined);
        }
        throw error;
      }
      port = await freeLoopbackPort();
    }
  }

  const stopNow = () => {
    const [command, argv] = pgCtlStop('immediate');
    try {
      execFileSync(command, argv, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Nothing more can be done while the process exits.
    }
  };
  running.add(stopNow);
  installExitHook();

  const pool = new pg.Pool({
    host: '127.0.0.1',
    port,
    user: superuser,
    password: superPassword,
    database: 'postgres',
    max: 2,
  });
  // An idle client losing its server (stop() racing a query) must not become an uncaught error.
  pool.on('error', () => undefined);

  const secrets = new Map<string, string>();
  const ident = pg.escapeIdentifier;

  const query = async <R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]) =>
    (await pool.query<R>(sql, params)).rows;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      running.delete(stopNow);
      await pool.end().catch(() => undefined);
      const [command, argv] = pgCtlStop('fast');
      try {
        await run(command, argv, { timeout: 60_000 });
      } catch (error) {
        // A server that is already gone has no postmaster.pid; anything else gets the hard stop.
        if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
          const [hardCommand, hardArgv] = pgCtlStop('immediate');
          await run(hardCommand, hardArgv, { timeout: 60_000 }).catch(() => {
            throw commandError('pg_ctl stop', error, logFile);
          });
        }
      }
    })();
    return stopping;
  };

  return {
    host: '127.0.0.1',
    port,
    socketDir,
    superuser,
    superPassword,
    dataDir,
    query,
    stop,
    roleSecret(name) {
      const secret = secrets.get(name);
      if (secret === undefined) {
        throw new Error(`no role ${JSON.stringify(name)} was created by this testbed`);
      }
      return secret;
    },
    async createRole(name, roleOptions = {}) {
      const password = randomBytes(24).toString('base64url');
      const attributes = [
        roleOptions.login === false ? 'NOLOGIN' : 'LOGIN',
        roleOptions.superuser ? 'SUPERUSER' : 'NOSUPERUSER',
        roleOptions.createdb ? 'CREATEDB' : 'NOCREATEDB',
      ];
      // Utility statements take no bind parameters, so the password goes in as an escaped literal.
      await query(
        `CREATE ROLE ${ident(name)} WITH ${attributes.join(' ')} PASSWORD ${pg.escapeLiteral(password)}`,
      );
      secrets.set(name, password);
      for (const parent of roleOptions.memberOf ?? []) {
        await query(`GRANT ${ident(parent)} TO ${ident(name)}`);
      }
    },
    async createDatabase(name, owner) {
      await query(`CREATE DATABASE ${ident(name)}${owner === undefined ? '' : ` OWNER ${ident(owner)}`}`);
    },
  };
}
