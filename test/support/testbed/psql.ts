// Runs the real psql as a user would with a password file: `-w` (never prompt), a conninfo
// string, the password only in a 0600 PGPASSFILE — never in argv or PGPASSWORD.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface PsqlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function conninfoOf(fields: Record<string, string | number>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}='${String(value).replace(/[\\']/g, (c) => `\\${c}`)}'`)
    .join(' ');
}

export function runPsql(conninfo: string, sql: string, env: Record<string, string>): Promise<PsqlResult> {
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-w', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql, conninfo],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout: stdout.trim(),
          stderr: stderr.trim(),
        }),
    );
  });
}

/** Writes a single-entry password file with mode 0600 (libpq ignores a wider one). */
export async function writePgpass(dir: string, line: string): Promise<string> {
  const file = path.join(dir, `pgpass-${Math.random().toString(36).slice(2)}`);
  await fs.writeFile(file, `${line}\n`, { mode: 0o600 });
  return file;
}
