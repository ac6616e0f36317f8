// pgentra's services in the user's connection service file: one `[NAME]` group per cluster in a
// marked block first in the file, written by the same machinery as the pgpass block (lock, atomic
// 0600 replace, foreign bytes unchanged). Being first would let our group shadow a user's own
// group of the same name, so such a cluster is left out and reported instead; and a setting above
// the user's first group (libpq ignores it) would, after our block, join our last group, so that
// file is refused rather than changed in meaning.
import path from 'node:path';
import { PgentraError } from '../errors.js';
import { libpqDefaultFile, type LibpqPlace } from '../libpq-paths.js';
import {
  blockStart,
  PgpassFileError,
  rewriteManagedFile,
  scanManagedBlocks,
  withManagedLines,
  type PgpassCleanOptions,
  type PgpassReport,
  type RawLine,
} from '../pgpass/index.js';
import { groupOf, isContent, sectionLines, ServiceEntryError, type ServiceDefinition } from './format.js';

export const SERVICE_BLOCK_START = blockStart('pgentra service clean');

export class ServiceFileError extends PgpassFileError {
  override readonly name = 'ServiceFileError';
  constructor(message: string, errno?: string, options?: { cause?: unknown }) {
    super(message, errno, options, 'service-file');
  }
}

/** A cluster whose name the user already uses for a group of their own: theirs stays and wins. */
export class ServiceNameTakenError extends PgentraError {
  override readonly name = 'ServiceNameTakenError';
  constructor(file: string, service: string, lineNumber: number) {
    super(
      'service-name-taken',
      `${file} already has your own service "${service}" (line ${lineNumber}); pgentra left it as it is ` +
        `and did not add its own, so service=${service} still means yours`,
    );
  }
}

export interface ServiceReport extends PgpassReport {
  /** Services left out, each with why (a name the user already uses, a value libpq cannot hold). */
  problems: { service: string; error: PgentraError }[];
}

export type ServiceSyncOptions = PgpassCleanOptions & { services: readonly ServiceDefinition[] };

const fileError = (message: string, errno: string | undefined, cause: unknown) =>
  new ServiceFileError(message, errno, cause === undefined ? undefined : { cause });

/** Replaces pgentra's block with exactly these services, minus the ones that cannot be written. */
export async function syncServiceFile(options: ServiceSyncOptions): Promise<ServiceReport> {
  const file = options.path;
  let problems: ServiceReport['problems'] = [];
  const report = await rewriteManagedFile(
    { ...options, fileError },
    options.services.length > 0,
    (document) => {
      problems = [];
      const { foreign } = scanManagedBlocks(document);
      const userGroups = new Map<string, number>();
      let firstGroup = -1;
      foreign.forEach((line, index) => {
        const group = groupOf(line);
        if (group === null) return;
        if (firstGroup < 0) firstGroup = index;
        if (!userGroups.has(group)) userGroups.set(group, index);
      });
      const lineOf = (line: RawLine | undefined) => (line ? document.lines.indexOf(line) + 1 : 0);
      const body: string[] = [];
      let written = 0;
      for (const service of options.services) {
        const taken = userGroups.get(service.name);
        if (taken !== undefined) {
          const error = new ServiceNameTakenError(file, service.name, lineOf(foreign[taken]));
          problems.push({ service: service.name, error });
          continue;
        }
        try {
          body.push(...sectionLines(service));
          written += 1;
        } catch (error) {
          if (!(error instanceof ServiceEntryError)) throw error;
          problems.push({ service: service.name, error });
        }
      }
      const orphan = foreign.findIndex(
        (line, index) => (firstGroup < 0 || index < firstGroup) && isContent(line),
      );
      if (body.length > 0 && orphan >= 0)
        throw new ServiceFileError(
          `pgentra did not change ${file}: line ${lineOf(foreign[orphan])} is a ` +
            "setting outside any [service] group. libpq ignores it now, but below pgentra's services it would " +
            'become part of the last one. Move it into a group (or delete it), then retry',
          'EORPHAN',
        );
      return { ...withManagedLines(document, body, SERVICE_BLOCK_START), entries: written };
    },
  );
  return { ...report, problems };
}

/** Removes pgentra's services and nothing else. */
export async function cleanServiceFile(options: PgpassCleanOptions): Promise<ServiceReport> {
  const report = await rewriteManagedFile({ ...options, fileError }, false, (document) => ({
    ...withManagedLines(document, [], SERVICE_BLOCK_START),
    entries: 0,
  }));
  return { ...report, problems: [] };
}

/**
 * Where libpq looks for the per-user service file: PGSERVICEFILE (relative to `cwd`, default the
 * home directory), else ~/.pg_service.conf (Windows: %APPDATA%\postgresql\.pg_service.conf).
 */
export function resolveServiceFilePath(options: LibpqPlace & { cwd?: string }): string {
  const paths = options.platform === 'win32' ? path.win32 : path.posix;
  const fromEnv = options.env.PGSERVICEFILE;
  if (fromEnv) return paths.resolve(options.cwd ?? options.homedir, fromEnv);
  return libpqDefaultFile('pg_service.conf', options);
}
