// A discovered server as a cluster to save: host, kind, cloud, database (citus for Cosmos DB for
// PostgreSQL) and its resource ID for the checks and the firewall; the user is filled in by the
// catalog from the signed-in account, and the cloud's host rules still apply when it is saved.
import type { ClusterSubmission } from '../cluster-catalog.js';
import type { AzureServer } from './resources.js';

export function clusterFromServer(server: AzureServer, cloud: string): Omit<ClusterSubmission, 'name'> {
  return {
    host: server.host,
    kind: server.kind,
    cloud,
    database: server.database,
    azureResourceId: server.id,
    // Single Server logins are user@servername; the server's name is its resource name.
    ...(server.kind === 'single' ? { serverName: server.name } : {}),
  };
}

/** A cluster name from a server name: what `cluster add --from-azure` uses when none is given. */
export function clusterNameFor(server: AzureServer): string {
  return server.name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
}
