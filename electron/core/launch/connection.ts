// One builder for every way pgentra describes a connection without the token in it: libpq
// environment variables (`pgentra env`), a conninfo string ("Copy connection string", psql
// launch). The password always comes from the pgpass file pgentra keeps fresh (PGPASSFILE /
// passfile=), never from PGPASSWORD or argv, where other users' `ps` could read it.
import { cmdSetLine, powershellQuote, shQuote } from './quoting.js';

export interface ConnectionTarget {
  /** The name the server's certificate is checked against (and the pgpass line matches). */
  host: string;
  /** Where to connect instead of resolving `host`: a private endpoint's IP. */
  hostaddr?: string;
  port: number;
  database: string;
  /** The exact database user (Single Server suffix already applied). */
  user: string;
  passfile: string;
  /** `require` only when the cluster opted out of verifying the server; `disable` only in tests of local servers. */
  sslmode: 'verify-full' | 'require' | 'disable';
  /** A PEM file or `system`. */
  sslrootcert?: string;
}

export type Shell = 'sh' | 'powershell' | 'cmd';

function libpqVariables(target: ConnectionTarget): [string, string][] {
  return [
    ['PGHOST', target.host],
    ...optional('PGHOSTADDR', target.hostaddr),
    ['PGPORT', String(target.port)],
    ['PGDATABASE', target.database],
    ['PGUSER', target.user],
    ['PGSSLMODE', target.sslmode],
    ...optional('PGSSLROOTCERT', target.sslrootcert),
    ['PGPASSFILE', target.passfile],
  ];
}

const optional = (name: string, value: string | undefined): [string, string][] =>
  value === undefined ? [] : [[name, value]];

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
    ...optional('hostaddr', target.hostaddr),
    ['port', String(target.port)],
    ['dbname', target.database],
    ['user', target.user],
    ['sslmode', target.sslmode],
    ...optional('sslrootcert', target.sslrootcert),
    ...optional('passfile', options.includePassfile === false ? undefined : target.passfile),
  ];
  return parts.map(([key, value]) => `${key}=${conninfoQuote(value)}`).join(' ');
}
