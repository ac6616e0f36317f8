// A cluster as config.json holds it, every field set: the fixture tests of the config file share.
import type { Cluster } from '../../../electron/core/clusters.js';

export const savedCluster = (name: string, overrides: Partial<Cluster> = {}): Cluster => ({
  name,
  host: `${name}.postgres.database.azure.com`,
  port: 5432,
  database: 'postgres',
  user: 'alice@contoso.com',
  group: false,
  kind: 'flexible',
  cloud: 'public',
  ...overrides,
});
