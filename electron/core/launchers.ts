// The tray's and the window's one-click launches: psql in a new terminal, pgAdmin with the cluster
// imported, and the `pgentra` command on PATH. The CLI's `psql` and `pgadmin` commands offer more
// options and call the launch/ modules themselves; these are the defaults a click deserves.
import os from 'node:os';
import path from 'node:path';
import type { ClusterView } from './cluster-catalog.js';
import type { Settings } from './config-store.js';
import { installCliShim } from './launch/cli-shim.js';
import type { ConnectionTarget } from './launch/connection.js';
import { setUpPgadmin } from './launch/pgadmin.js';
import { pgentraCommandEnv, serversJson } from './launch/pgadmin-servers.js';
import { openPsqlWindow } from './launch/psql.js';
import type { FileSystem, Processes } from './ports.js';

export interface LaunchersDeps {
  fs: FileSystem;
  processes: Processes;
  env: NodeJS.ProcessEnv;
  configDir: string;
  homedir: string;
  tmpdir?: string;
  /** The command pgAdmin runs for a password (absolute paths), e.g. [node, bin/pgentra.cjs]. */
  pgentraCommand: string[];
  settings: () => Settings;
  connectionTarget: (name: string, options: { ensureToken: boolean }) => Promise<ConnectionTarget>;
}

/** How long a token pgAdmin asks for must still be valid: a session outlives a short one. */
const PGADMIN_MIN_VALID_SEC = 600;

export class Launchers {
  constructor(private readonly deps: LaunchersDeps) {}

  /** psql in a new terminal window, with a fresh token in the pgpass file it reads. */
  async openPsql(cluster: ClusterView): Promise<void> {
    const { deps } = this;
    const target = await deps.connectionTarget(cluster.name, { ensureToken: true });
    const ports = {
      processes: deps.processes,
      fs: deps.fs,
      env: deps.env,
      tmpdir: deps.tmpdir ?? os.tmpdir(),
    };
    await openPsqlWindow(ports, target, {
      title: `pgentra: ${cluster.name}`,
      terminal: deps.settings().terminal,
    });
  }

  /** Imports the cluster into pgAdmin and starts it; resolves with what happened, for the user. */
  async openPgadmin(cluster: ClusterView): Promise<string> {
    const { deps } = this;
    const platform = deps.processes.platform;
    // Desktop pgAdmin asks `pgentra token` for each connection, so no token is written here.
    const target = await deps.connectionTarget(cluster.name, { ensureToken: false });
    const json = serversJson([{ name: cluster.name, target }], {
      pgentraCommand: deps.pgentraCommand,
      minValidSec: PGADMIN_MIN_VALID_SEC,
      platform,
      commandEnv: pgentraCommandEnv(deps.configDir, deps.env, platform, deps.homedir),
    });
    const workDir = path.join(deps.configDir, 'pgadmin');
    const result = await setUpPgadmin(
      { processes: deps.processes, fs: deps.fs, env: deps.env, homedir: deps.homedir },
      json,
      {
        file: path.join(workDir, 'servers.json'),
        workDir,
        pgadminPath: deps.settings().pgadminPath,
        launch: true,
      },
    );
    return result.message;
  }

  /** Puts a `pgentra` launcher on the user's PATH; resolves with what the user should know. */
  async installCli(): Promise<string> {
    const { deps } = this;
    const input = {
      platform: deps.processes.platform,
      homedir: deps.homedir,
      env: deps.env,
      pgentraCommand: deps.pgentraCommand,
    };
    return (await installCliShim({ fs: deps.fs, processes: deps.processes }, input)).message;
  }
}
