// The service-file sink: one `[NAME]` group per cluster in the user's pg_service.conf, so any libpq
// client connects with `service=NAME` and gets the cluster's host, user and TLS checking, the
// token coming from the pgpass file. No token is ever written here. Kept in step when clusters
// or settings change; taken out when turned off.
import type { ClusterView } from './cluster-catalog.js';
import type { Settings } from './config-store.js';
import { describeFailure } from './errors.js';
import type { ConnectionTarget } from './launch/connection.js';
import type { LibpqPlace } from './libpq-paths.js';
import type { ServiceDefinition } from './pg-service/format.js';
import {
  cleanServiceFile,
  resolveServiceFilePath,
  syncServiceFile,
  type ServiceReport,
} from './pg-service/sync.js';
import type { Clock, FileSystem } from './ports.js';

export type { ServiceReport };

export interface ServiceSinkDeps {
  fs: FileSystem;
  clock: Clock;
  place: LibpqPlace;
  warn: (message: string) => void;
  settings: () => Settings;
  clusters: () => ClusterView[];
  /** The connection target of a cluster, without fetching a token. */
  target: (name: string) => Promise<ConnectionTarget>;
}

export class ServiceSink {
  constructor(private readonly deps: ServiceSinkDeps) {}

  path(): string {
    return resolveServiceFilePath(this.deps.place);
  }

  get enabled(): boolean {
    return this.deps.settings().pgService.enabled;
  }

  async sync(): Promise<ServiceReport> {
    const services: ServiceDefinition[] = [];
    // passfile only while pgentra keeps tokens there: otherwise it would point clients at a file
    // with no token for them.
    const withPassfile = this.deps.settings().pgpass.enabled;
    for (const cluster of this.deps.clusters()) {
      const target = await this.deps.target(cluster.name);
      const hostaddr = (target as ConnectionTarget & { hostaddr?: string }).hostaddr;
      services.push({
        name: cluster.name,
        settings: {
          host: target.host,
          ...(hostaddr ? { hostaddr } : {}),
          port: String(target.port),
          dbname: target.database,
          user: target.user,
          sslmode: target.sslmode,
          ...(target.sslrootcert ? { sslrootcert: target.sslrootcert } : {}),
          ...(withPassfile ? { passfile: target.passfile } : {}),
        },
      });
    }
    return syncServiceFile({
      fs: this.deps.fs,
      path: this.path(),
      services,
      lock: { clock: this.deps.clock },
    });
  }

  async clean(): Promise<ServiceReport> {
    return cleanServiceFile({ fs: this.deps.fs, path: this.path(), lock: { clock: this.deps.clock } });
  }

  /**
   * After clusters or settings changed: the file follows if it is on, and is cleaned when it was
   * just turned off. The change itself already happened, so a file that cannot follow is a
   * warning, never a failure of the change.
   */
  async follow(wasEnabled: boolean = this.enabled): Promise<void> {
    const file = this.path();
    try {
      if (this.enabled) {
        const report = await this.sync();
        for (const { error } of report.problems)
          this.deps.warn(`service file: ${describeFailure(error).message}`);
      } else if (wasEnabled) await this.clean();
    } catch (error) {
      this.deps.warn(`service file: ${file} not updated: ${describeFailure(error).message}`);
    }
  }
}
