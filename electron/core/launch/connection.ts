// One builder for every way pgentra describes a connection without the token in it: libpq
// environment variables (`pgentra env`), a conninfo string ("Copy connection string", psql
// launch). The password always comes from the pgpass file pgentra keeps fresh (PGPASSFILE /
// passfile=), never from PGPASSWORD or argv, where other users' `ps` could read it.
import { cmdSetLine, powershellQuote, shQuote } from './quoting.js';

export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  /** The exact database user (Single Server suffix already applied). */
  user: string;
  passfile: string;
  /** `verify-full` needs a root certificate libpq can use; otherwise `require`. */
  sslmode: 'verify-full' | 'require' | 'disable';
  sslrootcert?: string;
}

export type Shell = 'sh' | 'powershell' | 'cmd';

function libpqVariables(target: ConnectionTarget): [string, string][] {
  return [
    ['PGHOST', target.host],
    ['PGPORT', String(target.port)],
    ['PGDATABASE', target.database],
    ['PGUSER', target.user],
    ['PGSSLMODE', target.sslmode],
    ...(target.sslrootcert ? ([['PGSSLROOTCERT', target.sslrootcert]] as [string, string][]) : []),
    ['PGPASSFILE', target.passfile],
  ];
}

/** Environment for a child process (psql). */
export function libpqEnvironment(target: ConnectionTarget): Record<string, string> {
  return Object.fromEntries(libpqVariables(target));
}

/** Lines a user can `eval` (sh), dot-source (PowerShell) or paste (cmd). */
export function formatEnvironment(target: ConnectionTarget, shell: Shell): string {
  return libpqVariables(target)
    .map(([name, value]) => {
      if (shell === 'powershell') return `$env:${name} = ${powershellQuote(value)}`;
      if (shell === 'cmd') return cmdSetLine(name, value);
      return `export ${name}=${shQuote(value)}`;
    })
    .join('\n');
}

const conninfoQuote = (value: string) =>
  value !== '' && /^[^\s'\\]+$/.test(value) ? value : `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** A libpq keyword/value connection string (no password: it comes from passfile). */
export function conninfo(target: ConnectionTarget, options: { includePassfile?: boolean } = {}): string {
  const parts: [string, string][] = [
    ['host', target.host],
    ['port', String(target.port)],
    ['dbname', target.database],
    ['user', target.user],
    ['sslmode', target.sslmode],
    ...(target.sslrootcert ? ([['sslrootcert', target.sslrootcert]] as [string, string][]) : []),
    ...(options.includePassfile === false ? [] : ([['passfile', target.passfile]] as [string, string][])),
  ];
  return parts.map(([key, value]) => `${key}=${conninfoQuote(value)}`).join(' ');
}
