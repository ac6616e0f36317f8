// What a person pastes into a shell to use pgentra against a running testbed: `npm run testbed --
// up` and `npm run demo` both print these lines, and the CLI the way the README runs it.
import path from 'node:path';
import type { TestbedFacts } from './testbed.js';

/** How the README runs the CLI from a checkout; the printed lines must work with exactly this. */
export const CLI_FROM_CHECKOUT = 'npm run -s pgentra --';

export const shellQuote = (value: string): string =>
  /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The testbed's environment for pgentra and psql, with every file pgentra writes under `dir`:
 * pasted into a shell, it must never reach the person's own ~/.pgpass, service file or agent.
 */
export function testbedShellEnv(
  facts: Pick<TestbedFacts, 'pgentraHome' | 'env'>,
  dir: string,
): Record<string, string> {
  return {
    PGENTRA_HOME: facts.pgentraHome,
    ...facts.env,
    PGPASSFILE: path.join(dir, 'pgpass'),
    PGSERVICEFILE: path.join(dir, 'pg_service.conf'),
    XDG_RUNTIME_DIR: path.join(dir, 'run'),
  };
}

export const exportLines = (env: Record<string, string>): string[] =>
  Object.entries(env).map(([key, value]) => `export ${key}=${shellQuote(value)}`);
