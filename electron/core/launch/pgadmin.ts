// pgAdmin 4, signed in: writes servers.json (./pgadmin-servers.ts), imports what pgAdmin lacks with
// its own setup.py (./pgadmin-import.ts) into the install found on this machine
// (./pgadmin-install.ts), then starts pgAdmin.
import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { FileSystem } from '../ports.js';
import { LaunchError } from './errors.js';
import { importServers, tail, type ImportReport } from './pgadmin-import.js';
import {
  findPgadmin,
  pgadminDataDir,
  pgadminRoots,
  type PgadminDeps,
  type PgadminInstall,
} from './pgadmin-install.js';
import { PGENTRA_GROUP, serversJsonText, type ServersJson } from './pgadmin-servers.js';

/** Writes servers.json (0600, atomically; a symlink in its place is refused), creating 0700 parents. */
export async function writeServersFile(fs: FileSystem, file: string, json: ServersJson): Promise<void> {
  await fs.mkdir(path.dirname(file), 0o700);
  await writeFileAtomic(fs, file, Buffer.from(serversJsonText(json), 'utf8'), { mode: 0o600 });
}

/** Exact steps to import the file by hand (import_export_servers.rst, "Using pgAdmin 4 GUI"). */
export function manualImportInstructions(file: string): string {
  return [
    `To add the servers to pgAdmin by hand: open pgAdmin 4, choose Tools → Import/Export Servers…, select Import,`,
    `choose ${file}, leave "Remove all the existing servers?" OFF, select the servers, then Finish.`,
    `Import each server only once: pgAdmin adds a second copy if you import it again.`,
  ].join('\n');
}

export interface PgadminSetupResult {
  file: string;
  install: PgadminInstall | null;
  report: ImportReport | null;
  launched: boolean;
  /** What happened, for a person (the tray shows it; the CLI prints it). */
  message: string;
}

/**
 * The whole "Open pgAdmin" action: write servers.json, import what is missing, start pgAdmin.
 * Without pgAdmin it still writes the file and explains the manual import.
 */
export async function setUpPgadmin(
  deps: PgadminDeps,
  json: ServersJson,
  options: { file: string; workDir: string; pgadminPath?: string | null; user?: string; launch: boolean },
): Promise<PgadminSetupResult> {
  await writeServersFile(deps.fs, options.file, json);
  const install = await findPgadmin(deps, options.pgadminPath);
  const names = Object.values(json.Servers).map((server) => server.Name);
  if (!install) {
    const looked = pgadminRoots(deps.processes.platform, deps.env, deps.homedir).join(', ');
    return {
      file: options.file,
      install: null,
      report: null,
      launched: false,
      message: [
        `pgAdmin 4 was not found (looked in ${looked}). Wrote ${names.length} server(s) to ${options.file}.`,
        manualImportInstructions(options.file),
        "Or set pgAdmin's install folder in pgentra (the pgAdmin path setting, or --pgadmin-dir) and run this again.",
      ].join('\n'),
    };
  }
  const { sqlitePath } = pgadminDataDir(deps.processes.platform, deps.env, deps.homedir);
  const report = await importServers(deps, install, json, {
    workDir: options.workDir,
    sqlitePath,
    user: options.user,
  });
  const lines: string[] = [];
  if (report.added.length)
    lines.push(`Added to pgAdmin (group "${PGENTRA_GROUP}"): ${report.added.join(', ')}.`);
  if (report.unchanged.length) lines.push(`Already in pgAdmin: ${report.unchanged.join(', ')}.`);
  if (report.changed.length) {
    lines.push(
      `In pgAdmin with older settings, left as they are: ${report.changed.join(', ')}. pgAdmin's import can only add servers or delete all of them,`,
      `so pgentra never replaces them: delete these in pgAdmin (right-click → Delete) and run this again to add the current ones.`,
    );
  }
  let launched = false;
  if (options.launch) {
    const result = await deps.processes.run(install.launch);
    if (result.exitCode !== null && result.exitCode !== 0) {
      throw new LaunchError(
        'pgadmin-failed',
        `pgAdmin did not start (${install.launch.command} exited with ${result.exitCode})${result.stderr ? `: ${tail(result.stderr, 3)}` : ''}`,
      );
    }
    launched = true;
    lines.push('Started pgAdmin 4. If it was already open, refresh the Servers tree to see new servers.');
  } else if (report.added.length) {
    lines.push('If pgAdmin is open, refresh its Servers tree (or restart it) to see them.');
  }
  return { file: options.file, install, report, launched, message: lines.join('\n') };
}
