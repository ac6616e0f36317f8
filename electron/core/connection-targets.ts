// What psql, pgAdmin and `pgentra env` connect to: host, port, database, login user, the pgpass
// file that holds the token, and how the server's certificate is checked.
import path from 'node:path';
import type { Cloud } from './clouds.js';
import type { ClusterView } from './cluster-catalog.js';
import { PgentraError } from './errors.js';
import { conninfo, type ConnectionTarget } from './launch/connection.js';
import type { LibpqPlace } from './libpq-paths.js';
import type { PgpassReport } from './pgpass-sink.js';
import { DEFAULT_TLS_ROOTS } from './tls-roots.js';

export interface TlsChoice {
  sslmode: 'verify-full' | 'require';
  /** A PEM file, or `system` (the OS store; libpq ≥ 16). Absent only with `require`. */
  sslrootcert?: string;
  /** Why the server is not verified, for status, doctor and the window; absent with verify-full. */
  warning?: string;
}

export interface ConnectionTargetsDeps {
  place: LibpqPlace;
  warn: (message: string) => void;
  /**
   * assets/tls: each entry point passes `findTlsRootsDir` of its own folder, the only place that
   * knows the layout (checkout, bundle, packaged app); null when this installation lacks it.
   */
  tlsRootsDir: string | null;
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
      ...(cluster.hostaddr ? { hostaddr: cluster.hostaddr } : {}),
      port: cluster.port,
      database: cluster.database,
      user: cluster.loginUser,
      passfile: pgpass.path(),
      ...this.tlsFor(cluster),
    };
  }

  /** A connection string to paste into another tool: no token, and no path to our pgpass file. */
  async connectionString(name: string): Promise<string> {
    return conninfo(await this.target(name, { ensureToken: false }), { includePassfile: false });
  }

  /**
   * Every server is verified (`verify-full`) unless the cluster opted into `require`. The roots:
   * the cluster's own, else PGSSLROOTCERT (a file, or `system`), else the cloud's: a custom
   * cloud's caFile or the Azure roots pgentra ships. libpq's ~/.postgresql/root.crt is not used:
   * pgentra names the file, so what is verified never depends on a file someone else may edit.
   */
  tlsFor(cluster: ClusterView): TlsChoice {
    if (cluster.tls === 'require') {
      return {
        sslmode: 'require',
        warning:
          `${cluster.name} uses TLS "require": the server's certificate is not checked, so anyone on the ` +
          'network path can pose as the server and take the token',
      };
    }
    const fromEnv = this.deps.place.env.PGSSLROOTCERT?.trim();
    const sslrootcert = cluster.sslRootCert ?? (fromEnv || this.cloudRoots(cluster));
    return { sslmode: 'verify-full', sslrootcert };
  }

  private cloudRoots(cluster: ClusterView): string {
    const cloud = this.deps.cloud(cluster.cloud);
    if (cloud.caFile) return cloud.caFile;
    if (!this.deps.tlsRootsDir) {
      throw new PgentraError(
        'tls-roots-missing',
        'this pgentra installation lacks the Azure root certificates (assets/tls), so it cannot verify the server',
      );
    }
    return path.join(this.deps.tlsRootsDir, cloud.tlsRoots ?? DEFAULT_TLS_ROOTS);
  }
}
