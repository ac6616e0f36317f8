// The ARM resources discovery reads, as the REST specs define them (Azure/azure-rest-api-specs),
// and the one shape pgentra works with: an AzureServer. Only the fields pgentra uses are
// validated; Azure adds fields over time and they must not break discovery.
//   Flexible Server and its elastic clusters: Microsoft.DBforPostgreSQL/flexibleServers 2025-08-01
//     (properties.authConfig, network, cluster; /administrators; /firewallRules)
//   Single Server (retired, still listed): Microsoft.DBforPostgreSQL/servers 2017-12-01
//     (/administrators holds at most one Entra administrator; /firewallRules)
//   Cosmos DB for PostgreSQL: Microsoft.DBforPostgreSQL/serverGroupsv2 2023-03-02-preview, the
//     first version with aadAuthEnabled (/roles with externalIdentity; /firewallRules)
//   Subscriptions: Microsoft.Resources 2022-12-01
import { z } from 'zod';
import type { ServerKind } from '../clouds.js';

export const API_VERSIONS = {
  subscriptions: '2022-12-01',
  flexible: '2025-08-01',
  single: '2017-12-01',
  cosmos: '2023-03-02-preview',
} as const satisfies Record<ServerKind | 'subscriptions', string>;

export const RESOURCE_TYPES: Record<ServerKind, string> = {
  flexible: 'flexibleServers',
  single: 'servers',
  cosmos: 'serverGroupsv2',
};

export const subscriptionSchema = z.object({
  subscriptionId: z.string().min(1),
  displayName: z.string().default(''),
  state: z.string().optional(),
  tenantId: z.string().optional(),
});
export type ArmSubscription = z.infer<typeof subscriptionSchema>;

const privateEndpointConnections = z
  .array(
    z.object({ properties: z.object({ privateEndpoint: z.object({ id: z.string() }).nullish() }).nullish() }),
  )
  .nullish();
const resource = { id: z.string().min(1), name: z.string().min(1), location: z.string().default('') };

const flexibleSchema = z.object({
  ...resource,
  properties: z.object({
    version: z.string().nullish(),
    state: z.string().nullish(),
    fullyQualifiedDomainName: z.string().nullish(),
    network: z
      .object({ publicNetworkAccess: z.string().nullish(), delegatedSubnetResourceId: z.string().nullish() })
      .nullish(),
    authConfig: z
      .object({ activeDirectoryAuth: z.string().nullish(), passwordAuth: z.string().nullish() })
      .nullish(),
    cluster: z.object({ clusterSize: z.number().nullish() }).nullish(),
    privateEndpointConnections,
  }),
});

const singleSchema = z.object({
  ...resource,
  properties: z.object({
    version: z.string().nullish(),
    userVisibleState: z.string().nullish(),
    fullyQualifiedDomainName: z.string().nullish(),
    publicNetworkAccess: z.string().nullish(),
    privateEndpointConnections,
  }),
});

const cosmosSchema = z.object({
  ...resource,
  properties: z.object({
    state: z.string().nullish(),
    postgresqlVersion: z.string().nullish(),
    databaseName: z.string().nullish(),
    aadAuthEnabled: z.string().nullish(),
    coordinatorEnablePublicIpAccess: z.boolean().nullish(),
    serverNames: z
      .array(z.object({ name: z.string(), fullyQualifiedDomainName: z.string().nullish() }))
      .nullish(),
    privateEndpointConnections,
  }),
});

export const adminSchemas = {
  flexible: z
    .object({
      properties: z.object({
        principalName: z.string(),
        objectId: z.string(),
        principalType: z.string().nullish(),
      }),
    })
    .transform(({ properties: p }) => ({
      name: p.principalName,
      objectId: p.objectId,
      type: p.principalType ?? 'Unknown',
    })),
  single: z
    .object({
      properties: z.object({ login: z.string(), sid: z.string(), administratorType: z.string().nullish() }),
    })
    .transform(({ properties: p }) => ({ name: p.login, objectId: p.sid, type: 'Unknown' })),
  cosmos: z
    .object({
      name: z.string(),
      properties: z.object({
        roleType: z.string().nullish(),
        externalIdentity: z.object({ objectId: z.string(), principalType: z.string().nullish() }).nullish(),
      }),
    })
    // Only roles tied to an Entra principal: password roles cannot take a token.
    .transform(({ name, properties: p }) =>
      p.externalIdentity
        ? {
            name,
            objectId: p.externalIdentity.objectId,
            type: p.externalIdentity.principalType ?? 'Unknown',
            role: p.roleType ?? 'user',
          }
        : null,
    ),
} as const;

export const firewallRuleSchema = z
  .object({
    name: z.string(),
    properties: z.object({ startIpAddress: z.string(), endIpAddress: z.string() }),
  })
  .transform(({ name, properties: p }) => ({ name, start: p.startIpAddress, end: p.endIpAddress }));
export type FirewallRule = z.infer<typeof firewallRuleSchema>;

export interface AzureAdmin {
  name: string;
  objectId: string;
  /** user, group, servicePrincipal or unknown (Single Server does not say). */
  type: string;
  /** Cosmos DB for PostgreSQL: admin or user role. */
  role?: string;
}

export interface AzureServer {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  kind: ServerKind;
  /** Flexible Server elastic cluster: its node count. */
  elasticNodes?: number;
  location: string;
  version: string;
  state: string;
  stopped: boolean;
  host: string;
  /** The database a new connection goes to (citus for Cosmos DB for PostgreSQL). */
  database: string;
  publicAccess: boolean;
  /** VNet integration: the delegated subnet's resource ID. */
  privateSubnet?: string;
  privateEndpoints: string[];
  /** null: Azure does not say (Single Server: on when it has an Entra administrator). */
  entraAuth: boolean | null;
  passwordAuth?: boolean;
  admins: AzureAdmin[];
  firewallRules: FirewallRule[];
  /** What could not be read about this server (its administrators, its firewall rules). */
  problems: string[];
}

const isOn = (value: string | null | undefined) => (value ? /^enabled$/i.test(value) : undefined);
const endpoints = (connections: z.infer<typeof privateEndpointConnections>) =>
  (connections ?? []).flatMap((c) =>
    c.properties?.privateEndpoint?.id ? [c.properties.privateEndpoint.id] : [],
  );

/** The resource group and subscription a resource ID names. */
export function parseResourceId(
  id: string,
): { subscriptionId: string; resourceGroup: string; type: string; name: string } | null {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/(\w+)\/([^/]+)$/i.exec(
      id.trim(),
    );
  if (!match) return null;
  return {
    subscriptionId: match[1] ?? '',
    resourceGroup: match[2] ?? '',
    type: match[3] ?? '',
    name: match[4] ?? '',
  };
}

export const serverSchemas = {
  flexible: flexibleSchema.transform((r): AzureServer => {
    const p = r.properties;
    const state = p.state ?? 'Unknown';
    return {
      ...base(r),
      kind: 'flexible',
      ...(p.cluster?.clusterSize ? { elasticNodes: p.cluster.clusterSize } : {}),
      version: p.version ?? '',
      state,
      stopped: /^stopp/i.test(state),
      host: p.fullyQualifiedDomainName ?? '',
      database: 'postgres',
      publicAccess: isOn(p.network?.publicNetworkAccess) ?? false,
      ...(p.network?.delegatedSubnetResourceId ? { privateSubnet: p.network.delegatedSubnetResourceId } : {}),
      privateEndpoints: endpoints(p.privateEndpointConnections),
      entraAuth: isOn(p.authConfig?.activeDirectoryAuth) ?? false,
      passwordAuth: isOn(p.authConfig?.passwordAuth) ?? true,
    };
  }),
  single: singleSchema.transform((r): AzureServer => {
    const p = r.properties;
    const state = p.userVisibleState ?? 'Unknown';
    return {
      ...base(r),
      kind: 'single',
      version: p.version ?? '',
      state,
      stopped: /^stopp/i.test(state),
      host: p.fullyQualifiedDomainName ?? '',
      database: 'postgres',
      publicAccess: isOn(p.publicNetworkAccess) ?? true,
      privateEndpoints: endpoints(p.privateEndpointConnections),
      entraAuth: null,
    };
  }),
  cosmos: cosmosSchema.transform((r): AzureServer => {
    const p = r.properties;
    const state = p.state ?? 'Unknown';
    const coordinator = p.serverNames?.find((s) => /-c$/.test(s.name)) ?? p.serverNames?.[0];
    return {
      ...base(r),
      kind: 'cosmos',
      version: p.postgresqlVersion ?? '',
      state,
      stopped: /^stopp/i.test(state),
      host: coordinator?.fullyQualifiedDomainName ?? '',
      database: p.databaseName ?? 'citus',
      publicAccess: p.coordinatorEnablePublicIpAccess ?? false,
      privateEndpoints: endpoints(p.privateEndpointConnections),
      entraAuth: p.aadAuthEnabled ? /^enabled$/i.test(p.aadAuthEnabled) : null,
    };
  }),
} as const satisfies Record<ServerKind, z.ZodType<AzureServer>>;

function base(r: { id: string; name: string; location: string }) {
  const parsed = parseResourceId(r.id);
  return {
    id: r.id,
    name: r.name,
    location: r.location,
    subscriptionId: parsed?.subscriptionId ?? '',
    resourceGroup: parsed?.resourceGroup ?? '',
    admins: [] as AzureAdmin[],
    firewallRules: [] as FirewallRule[],
    problems: [] as string[],
  };
}
