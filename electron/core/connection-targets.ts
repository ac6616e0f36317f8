// What psql, pgAdmin and `pgentra env` connect to: host, port, database, login user, the pgpass
// file that holds the token, and how the server's certificate is checked.
import type { Cloud } from './clouds.js';
import type { ClusterView } from './cluster-catalog.js';
import { PgentraError } from './errors.js';
import { conninfo, type ConnectionTarget } from './launch/connection.js';
import { libpqDefaultFile, type LibpqPlace } from './libpq-paths.js';
import type { PgpassReport } from './pgpass-sink.js';
import type { FileSystem } from './ports.js';

export interface TlsChoice {
  sslmode: 'verify-full' | 'require';
  sslrootcert?: string;
}

export interface ConnectionTargetsDeps {
  fs: FileSystem;
  place: LibpqPlace;
  warn: (message: string) => void;
  cluster: (name: string) => ClusterView;
  cloud: (name?: string) => Cloud;
  pgpass: {
    readonly enabled: boolean;
    path(): string;
    sync(options: { userAction: boolean }): Promise<PgpassReport>;
  };
}

export class ConnectionTargets {
  constructor(private readonly deps: ConnectionTargetsDeps) {}

  /** With ensureToken, the pgpass file holds a fresh token for the cluster before this returns. */
  async target(name: string, options: { ensureToken: boolean }): Promise<ConnectionTarget> {
    const { pgpass } = this.deps;
    const cluster = this.deps.cluster(name);
    if (options.ensureToken) {
      if (!pgpass.enabled) {
        this.deps.warn('pgpass sync is off in the settings: libpq will not find a token in PGPASSFILE.');
      } else {
        const report = await pgpass.sync({ userAction: true });
        const problem = report.problems.find((p) => p.cluster === name);
        // The cluster's own failure, so the CLI exits as it would for `pgentra token`.
        if (problem)
          throw new PgentraError(problem.failure.code, problem.failure.message, problem.failure.details);
      }
    }
    return {
      host: cluster.host,
      port: cluster.port,
      database: cluster.database,
      user: cluster.loginUser,
      passfile: pgpass.path(),
      ...(await this.tlsFor(cluster)),
    };
  }

  /** A connection string to paste into another tool: no token, and no path to our pgpass file. */
  async connectionString(name: string): Promise<string> {
    return conninfo(await this.target(name, { ensureToken: false }), { includePassfile: false });
  }

  /**
   * `verify-full` when there are root certificates to verify Azure's server certificate with: the
   * cluster's own, the cloud's, PGSSLROOTCERT, or libpq's default root.crt (where the Azure docs
   * tell people to put them); otherwise `require` (encrypted, server not verified). The window
   * shows which, and why.
   */
  async tlsFor(cluster: ClusterView): Promise<TlsChoice> {
    const { place } = this.deps;
    const candidates = [
      cluster.sslRootCert,
      this.deps.cloud(cluster.cloud).caFile,
      place.env.PGSSLROOTCERT,
      libpqDefaultFile('root.crt', place),
    ];
    for (const candidate of candidates) {
      if (!candidate) continue;
      if ((await this.deps.fs.lstat(candidate).catch(() => null)) !== null)
        return { sslmode: 'verify-full', sslrootcert: candidate };
    }
    return { sslmode: 'require' };
  }
}
