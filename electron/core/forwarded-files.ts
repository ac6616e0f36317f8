// The remote's libpq files while a forward lives: tokens from the desktop in pgentra's pgpass block,
// a service entry per allowed cluster, the roots the desktop checks servers with. Lines another
// pgentra wrote stay; when the forward ends, exactly the lines it brought are taken out again.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ForwardedCluster } from './agent/protocol.js';
import { writeFileAtomic } from './files/atomic-write.js';
import type { ConnectionTarget } from './launch/connection.js';
import type { LibpqPlace } from './libpq-paths.js';
import { resolveServiceFilePath, syncServiceFile, cleanServiceFile } from './pg-service/sync.js';
import { resolvePgpassPath, syncPgpass, type PgpassEntry } from './pgpass/index.js';
import type { Clock, FileSystem } from './ports.js';

export interface ForwardedFilesDeps {
  fs: FileSystem;
  clock: Clock;
  place: LibpqPlace;
  /** The remote's pgentra folder: the forwarded roots are kept in `forwarded/` there. */
  configDir: string;
}

const key = (e: { host: string; port: string | number | null; user: string }) =>
  JSON.stringify([e.host, String(e.port ?? '*'), e.user]);

export class ForwardedFiles {
  constructor(private readonly deps: ForwardedFilesDeps) {}

  pgpassPath(): string {
    return resolvePgpassPath(this.deps.place);
  }

  servicePath(): string {
    return resolveServiceFilePath(this.deps.place);
  }

  /** The connection target libpq uses here; the roots file is written first when the desktop sent one. */
  async target(cluster: ForwardedCluster): Promise<ConnectionTarget> {
    return {
      host: cluster.host,
      ...(cluster.hostaddr ? { hostaddr: cluster.hostaddr } : {}),
      port: cluster.port,
      database: cluster.database,
      user: cluster.user,
      passfile: this.pgpassPath(),
      sslmode: cluster.sslmode,
      ...(cluster.rootcert ? { sslrootcert: await this.rootsFile(cluster.rootcert) } : {}),
    };
  }

  /** Puts these tokens in pgentra's pgpass block; every other line in it stays. */
  async writeTokens(tokens: { cluster: ForwardedCluster; token: string }[]): Promise<{ changed: boolean }> {
    const entries = tokens.map(({ cluster, token }) => ({
      host: cluster.host,
      port: String(cluster.port),
      database: null,
      user: cluster.user,
      password: token,
    }));
    const report = await syncPgpass({
      fs: this.deps.fs,
      path: this.pgpassPath(),
      entries,
      lock: { clock: this.deps.clock },
      keepExisting: () => true,
    });
    return { changed: report.changed };
  }

  /** Takes the lines of these clusters out of the pgpass block (the block goes when it is empty). */
  async removeTokens(clusters: readonly ForwardedCluster[]): Promise<{ changed: boolean }> {
    const ours = new Set(clusters.map((c) => key({ host: c.host, port: c.port, user: c.user })));
    const report = await syncPgpass({
      fs: this.deps.fs,
      path: this.pgpassPath(),
      entries: [],
      lock: { clock: this.deps.clock },
      keepExisting: (entry: PgpassEntry) => !(entry.database === null && ours.has(key(entry))),
    });
    return { changed: report.changed };
  }

  /** One `[NAME]` per allowed cluster in pg_service.conf, so `psql service=NAME` works here. */
  async writeServices(clusters: readonly ForwardedCluster[]): Promise<string[]> {
    const services = [];
    for (const cluster of clusters) {
      const target = await this.target(cluster);
      services.push({
        name: cluster.name,
        settings: {
          host: target.host,
          ...(target.hostaddr ? { hostaddr: target.hostaddr } : {}),
          port: String(target.port),
          dbname: target.database,
          user: target.user,
          sslmode: target.sslmode,
          ...(target.sslrootcert ? { sslrootcert: target.sslrootcert } : {}),
          passfile: target.passfile,
        },
      });
    }
    const report = await syncServiceFile({
      fs: this.deps.fs,
      path: this.servicePath(),
      services,
      lock: { clock: this.deps.clock },
    });
    return report.problems.map(({ error }) => error.message);
  }

  async removeServices(): Promise<void> {
    await cleanServiceFile({ fs: this.deps.fs, path: this.servicePath(), lock: { clock: this.deps.clock } });
  }

  /** `system`, or the desktop's roots written once under a name that is their hash (public data). */
  private async rootsFile(rootcert: NonNullable<ForwardedCluster['rootcert']>): Promise<string> {
    if ('system' in rootcert) return 'system';
    const pem = Buffer.from(rootcert.pem, 'utf8');
    const folder = path.join(this.deps.configDir, 'forwarded');
    const file = path.join(
      folder,
      `roots-${createHash('sha256').update(pem).digest('hex').slice(0, 16)}.pem`,
    );
    const existing = await this.deps.fs.lstat(file);
    if (existing?.isFile && !existing.isSymbolicLink) return file;
    await this.deps.fs.mkdir(folder, 0o700);
    await writeFileAtomic(this.deps.fs, file, pem, { mode: 0o644 });
    return file;
  }
}
