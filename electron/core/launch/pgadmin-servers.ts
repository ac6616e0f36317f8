// pgAdmin 4's servers.json for pgentra's clusters: each server gets its password from `pgentra
// token` (PasswordExecCommand), or, in server mode, from the pgpass file. The format follows
// pgadmin-org/pgadmin4 (read at bc58657, 9.x): web/pgadmin/utils/__init__.py (validate_json_data,
// load_database_servers), web/pgadmin/utils/passexec.py and docs/en_US/import_export_servers.rst.
import { clusterNameSchema } from '../../shared/cluster-name.js';
import path from 'node:path';
import { resolveConfigDir } from '../config-dir.js';
import type { ConnectionTarget } from './connection.js';
import { assertStableAppLocation } from './app-location.js';
import { LaunchError } from './errors.js';
import { assertEnvName, cmdQuotedPath, shQuote, shWord } from './quoting.js';

export const PGENTRA_GROUP = 'pgentra';

/**
 * pgAdmin runs `pgentra token` with pgAdmin's environment, not ours: unless pgentra uses the
 * default config dir (what a bare environment resolves to), the command must name it.
 */
export function pgentraCommandEnv(
  configDir: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  homedir: string,
): Record<string, string> | undefined {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const bare = resolveConfigDir({ APPDATA: env.APPDATA }, platform, homedir);
  return paths.resolve(configDir) === paths.resolve(bare) ? undefined : { PGENTRA_HOME: configDir };
}

/** One server as pgAdmin's import reads it (keys are pgAdmin's; see validate_json_data). */
export interface PgadminServer {
  Name: string;
  Group: string;
  Host: string;
  Port: number;
  MaintenanceDB: string;
  Username: string;
  /**
   * Listed as required by import_export_servers.rst; ignored by the loader when
   * ConnectionParameters is present, as are the other flat keys (HostAddr, SSLRootCert): libpq
   * options, hostaddr and sslrootcert included, go in ConnectionParameters.
   */
  SSLMode: string;
  /** libpq parameters (pgAdmin ≥ 6.20). In desktop mode there is no passfile: with one, pgAdmin ignores PasswordExecCommand. */
  ConnectionParameters: Record<string, string | number>;
  Comment: string;
  PasswordExecCommand?: string;
  PasswordExecExpiration?: number;
}

export interface ServersJson {
  Servers: Record<string, PgadminServer>;
}

export interface PgadminCluster {
  name: string;
  target: ConnectionTarget;
}

export interface ServersJsonOptions {
  /** Absolute path(s) that start pgentra: `[node, …/pgentra.cjs]` or `[the packaged binary]`. */
  pgentraCommand: readonly string[];
  /** What `pgentra token --min-valid` asks for; pgAdmin keeps a token at most 60 s less than this. */
  minValidSec: number;
  /** The OS pgAdmin runs on: its passexec uses /bin/sh there, cmd.exe on Windows. */
  platform: NodeJS.Platform;
  /** Variables the token command needs pinned, e.g. PGENTRA_HOME when it is not the default. */
  commandEnv?: Readonly<Record<string, string>>;
  /**
   * `server`: pgAdmin in server mode ignores PasswordExecCommand (unless its admin enabled
   * ENABLE_SERVER_PASS_EXEC_CMD), so the servers read the pgpass file pgentra keeps fresh instead.
   */
  mode?: 'desktop' | 'server';
  /** Server mode: the pgpass file as pgAdmin sees it (server mode resolves it in the user's storage directory). */
  passfile?: string;
  group?: string;
}

export const MIN_VALID_RANGE_SEC = { min: 120, max: 45 * 60 } as const;

/**
 * pgAdmin re-runs the command only after PasswordExecExpiration seconds; until then it reuses the
 * token for every new connection. The token had at least minValid left when printed, so a 60 s
 * shorter cache can never hand libpq an expired token, even with a slow connect.
 */
export function passwordExecExpiration(minValidSec: number): number {
  if (
    !Number.isInteger(minValidSec) ||
    minValidSec < MIN_VALID_RANGE_SEC.min ||
    minValidSec > MIN_VALID_RANGE_SEC.max
  ) {
    // Above 45 min a fresh token (Entra issues 60–90 min) might not last the whole cache period.
    throw new LaunchError(
      'unsafe-value',
      `the minimum validity for pgAdmin must be between 2 and 45 minutes (got ${minValidSec} s)`,
    );
  }
  return minValidSec - 60;
}

function formatMinValid(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

const PLACEHOLDERS = /%(HOSTNAME|PORT|USERNAME)%/;

/**
 * The exact PasswordExecCommand: absolute paths quoted for the shell pgAdmin's passexec uses
 * (`subprocess.run(cmd, shell=True)`: `/bin/sh -c` on POSIX, `cmd.exe /c "…"` on Windows). The
 * cluster is named by its id, never by pgAdmin's %USERNAME%/%HOSTNAME% placeholders: a user name
 * with spaces or quotes would break the command or inject into it.
 */
export function passwordExecCommand(options: {
  pgentraCommand: readonly string[];
  cluster: string;
  minValidSec: number;
  platform: NodeJS.Platform;
  commandEnv?: Readonly<Record<string, string>>;
}): string {
  const { pgentraCommand, cluster, platform } = options;
  // Cluster names are shell-safe by construction: the one rule every boundary checks.
  if (!clusterNameSchema.safeParse(cluster).success)
    throw new LaunchError('unsafe-value', `"${cluster}" is not a valid cluster name`);
  const paths = platform === 'win32' ? path.win32 : path.posix;
  if (pgentraCommand.length === 0 || !pgentraCommand.every((part) => paths.isAbsolute(part))) {
    throw new LaunchError(
      'unsafe-value',
      `the pgentra command for pgAdmin must be absolute paths (got ${JSON.stringify(pgentraCommand)})`,
    );
  }
  assertStableAppLocation(pgentraCommand, platform, "pgAdmin's password command");
  const rest = ['token', cluster, '--min-valid', formatMinValid(options.minValidSec)];
  const env = Object.entries(options.commandEnv ?? {});
  for (const [name] of env) assertEnvName(name);
  let command: string;
  if (platform === 'win32') {
    // Python runs `cmd.exe /c "<command>"`; with more than two quotes cmd strips just the outer pair.
    const sets = env.map(([name, value]) => `set ${cmdQuotedPath(`${name}=${value}`, name)}&& `).join('');
    command =
      sets + [...pgentraCommand.map((part) => cmdQuotedPath(part, 'the pgentra path')), ...rest].join(' ');
  } else {
    const assignments = env.map(([name, value]) => `${name}=${shQuote(value)} `).join('');
    command = assignments + [...pgentraCommand.map(shQuote), ...rest.map(shWord)].join(' ');
  }
  // passexec.py substitutes these before running the command; a path containing one would be rewritten.
  if (PLACEHOLDERS.test(command)) {
    throw new LaunchError(
      'unsafe-value',
      'the pgentra path contains %HOSTNAME%, %PORT% or %USERNAME%, which pgAdmin would replace',
      'Install pgentra in another folder.',
    );
  }
  return command;
}

export function serverEntry(cluster: PgadminCluster, options: ServersJsonOptions): PgadminServer {
  const { target } = cluster;
  const mode = options.mode ?? 'desktop';
  const parameters: Record<string, string | number> = { sslmode: target.sslmode, connect_timeout: 10 };
  if (target.sslrootcert) parameters.sslrootcert = target.sslrootcert;
  if (target.hostaddr) parameters.hostaddr = target.hostaddr;
  const entry: PgadminServer = {
    Name: cluster.name,
    Group: options.group ?? PGENTRA_GROUP,
    Host: target.host,
    Port: target.port,
    MaintenanceDB: target.database,
    Username: target.user,
    SSLMode: target.sslmode,
    ConnectionParameters: parameters,
    Comment: '',
  };
  if (mode === 'server') {
    parameters.passfile = options.passfile ?? target.passfile;
    entry.Comment = `Managed by pgentra. The password is the Entra ID token pgentra keeps fresh in ${parameters.passfile}.`;
    return entry;
  }
  entry.PasswordExecCommand = passwordExecCommand({ ...options, cluster: cluster.name });
  entry.PasswordExecExpiration = passwordExecExpiration(options.minValidSec);
  entry.Comment = `Managed by pgentra. The password is a fresh Entra ID token from \`pgentra token ${cluster.name}\`.`;
  return entry;
}

/** pgAdmin's servers.json for the given clusters, numbered from "1" as pgAdmin's own export does. */
export function serversJson(clusters: readonly PgadminCluster[], options: ServersJsonOptions): ServersJson {
  const names = new Set<string>();
  const Servers: Record<string, PgadminServer> = {};
  clusters.forEach((cluster, index) => {
    if (names.has(cluster.name))
      throw new LaunchError('unsafe-value', `cluster "${cluster.name}" is listed twice`);
    names.add(cluster.name);
    Servers[String(index + 1)] = serverEntry(cluster, options);
  });
  return { Servers };
}

/**
 * servers.json as bytes every pgAdmin reads the same: setup.py load-servers opens it with
 * `open(file_path)` and no encoding (web/setup.py:208), which is the ANSI code page on Windows
 * unless Python runs in UTF-8 mode (CPython Lib/_pyio.py text_encoding: "utf-8" only
 * `if sys.flags.utf8_mode`). So nothing outside ASCII is written: JSON's `\uXXXX` escapes carry
 * a user name like "zoë" through any code page (and the GUI import reads the same file).
 */
export function serversJsonText(json: ServersJson): string {
  return (
    JSON.stringify(json, null, 2).replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ) + '\n'
  );
}
