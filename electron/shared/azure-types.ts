// What the window sees of Azure (through the IPC contract): servers found, checks before
// connecting, firewall plans. Plain data, no tokens; the core's types map onto these.
import { z } from 'zod';
import { clusterNameSchema } from './cluster-name.js';

export interface AzureServerSnapshot {
  id: string;
  name: string;
  kind: 'flexible' | 'single' | 'cosmos';
  /** Node count of a Flexible Server elastic cluster; null for anything else. */
  elasticNodes: number | null;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  version: string;
  state: string;
  stopped: boolean;
  host: string;
  database: string;
  publicAccess: boolean;
  privateSubnet: string | null;
  privateEndpoints: string[];
  /** null: Azure does not say. */
  entraAuth: boolean | null;
  admins: { name: string; type: string }[];
  firewallRules: { name: string; start: string; end: string }[];
  problems: string[];
}

export interface AzureDiscoverySnapshot {
  account: string;
  cloud: string;
  subscriptions: { id: string; name: string; problems: string[] }[];
  servers: AzureServerSnapshot[];
}

export interface AzureCheckSnapshot {
  id: 'state' | 'entra' | 'principal' | 'network';
  status: 'ok' | 'fail' | 'warn' | 'skip';
  message: string;
  fix: string | null;
  sql: string | null;
  command: string | null;
}

export interface AzureChecksSnapshot {
  /** null: no server with the cluster's host among those the account sees. */
  server: { id: string; name: string; kind: string } | null;
  results: AzureCheckSnapshot[];
}

export interface FirewallRuleSnapshot {
  name: string;
  start: string;
  end: string;
}

/** "Allow my IP", shown before anything changes; `confirmId` is null when a rule already lets the IP in. */
export interface FirewallPlanSnapshot {
  server: { id: string; name: string };
  ip: string;
  rule: FirewallRuleSnapshot;
  existing: FirewallRuleSnapshot | null;
  confirmId: string | null;
}

export const azureScopeSchema = z.object({
  cloud: z.string().min(1).max(64).optional(),
  account: z.string().min(1).max(512).optional(),
  subscription: z.string().min(1).max(256).optional(),
  tenant: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/, 'a tenant ID or a domain like contoso.com')
    .optional(),
});

export const addFromAzureSchema = z.object({
  /** A server name (unique among those the account sees) or its resource ID. */
  server: z.string().trim().min(1, 'the server is required').max(1024),
  name: clusterNameSchema.optional(),
  user: z.string().min(1).max(1024).optional(),
  group: z.boolean().optional(),
  database: z.string().min(1).max(63).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  account: z.string().min(1).max(512).optional(),
  cloud: z.string().min(1).max(64).optional(),
  tenant: azureScopeSchema.shape.tenant,
  trustHost: z.boolean().optional(),
});
export type AddFromAzure = z.infer<typeof addFromAzureSchema>;

export const firewallRuleNameSchema = z
  .string()
  .regex(/^[-\w.]{1,128}$/, 'a firewall rule name has 1–128 letters, digits, "-", "_" or "."');
export const confirmIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'not a confirmation id');
