// Finds the account's PostgreSQL servers across the subscriptions it can see: Flexible Servers
// (elastic clusters included), Cosmos DB for PostgreSQL clusters and Single Servers, each with its
// Entra administrators and firewall rules. One subscription, resource type or server failing is
// reported where it failed and hides nothing else.
import { SERVER_KINDS, type ServerKind } from '../clouds.js';
import { describeFailure, PgentraError } from '../errors.js';
import type { ArmClient } from './arm-client.js';
import {
  adminSchemas,
  API_VERSIONS,
  firewallRuleSchema,
  parseResourceId,
  RESOURCE_TYPES,
  serverSchemas,
  subscriptionSchema,
  type AzureAdmin,
  type AzureServer,
} from './resources.js';

export interface SubscriptionOutcome {
  id: string;
  name: string;
  /** What could not be listed in it (a resource type, or the whole subscription); empty when all was. */
  problems: string[];
}

export interface Discovery {
  subscriptions: SubscriptionOutcome[];
  servers: AzureServer[];
}

const PROVIDER = '/providers/Microsoft.DBforPostgreSQL';
const KIND_NAMES: Record<ServerKind, string> = {
  flexible: 'Flexible Servers',
  single: 'Single Servers',
  cosmos: 'Cosmos DB for PostgreSQL clusters',
};

const why = (error: unknown) => describeFailure(error).message;

export async function discover(arm: ArmClient, options: { subscription?: string } = {}): Promise<Discovery> {
  const { items: all } = await arm.list(
    `/subscriptions?api-version=${API_VERSIONS.subscriptions}`,
    subscriptionSchema,
  );
  const wanted = options.subscription?.toLowerCase();
  const subscriptions = wanted
    ? all.filter((s) => s.subscriptionId.toLowerCase() === wanted || s.displayName.toLowerCase() === wanted)
    : all;
  if (all.length === 0)
    throw new PgentraError(
      'azure-access',
      'Your account sees no Azure subscriptions, so there is nothing to discover. Ask the subscription owner for the Reader role on the subscription (or the resource group) that holds your servers.',
    );
  if (subscriptions.length === 0)
    throw new PgentraError(
      'azure-not-found',
      `No subscription "${options.subscription}" among the ${all.length} your account sees (${all.map((s) => s.displayName || s.subscriptionId).join(', ')}).`,
    );
  const outcomes: SubscriptionOutcome[] = [];
  const servers: AzureServer[] = [];
  for (const subscription of subscriptions) {
    const outcome: SubscriptionOutcome = {
      id: subscription.subscriptionId,
      name: subscription.displayName,
      problems: [],
    };
    outcomes.push(outcome);
    const lists = await Promise.allSettled(
      SERVER_KINDS.map((kind) =>
        arm.list(
          `/subscriptions/${subscription.subscriptionId}${PROVIDER}/${RESOURCE_TYPES[kind]}?api-version=${API_VERSIONS[kind]}`,
          serverSchemas[kind],
        ),
      ),
    );
    lists.forEach((list, index) => {
      const kind = SERVER_KINDS[index] ?? 'flexible';
      if (list.status === 'rejected') outcome.problems.push(`${KIND_NAMES[kind]}: ${why(list.reason)}`);
      else {
        servers.push(...list.value.items);
        if (list.value.skipped > 0)
          outcome.problems.push(
            `${KIND_NAMES[kind]}: ${list.value.skipped} left out (Azure's answer was not understood)`,
          );
      }
    });
  }
  await inBatches(servers, 4, (server) => completeServer(arm, server));
  servers.sort((a, b) => a.name.localeCompare(b.name));
  return { subscriptions: outcomes, servers };
}

/** One server by its resource ID, with administrators and firewall rules. */
export async function serverById(arm: ArmClient, id: string): Promise<AzureServer> {
  const parsed = parseResourceId(id);
  const kind =
    parsed &&
    (Object.keys(RESOURCE_TYPES) as ServerKind[]).find(
      (k) => RESOURCE_TYPES[k].toLowerCase() === parsed.type.toLowerCase(),
    );
  if (!parsed || !kind)
    throw new PgentraError('azure-not-found', `"${id}" is not the resource ID of an Azure PostgreSQL server`);
  const server = await arm.get(`${id}?api-version=${API_VERSIONS[kind]}`, serverSchemas[kind]);
  await completeServer(arm, server);
  return server;
}

/** Adds the administrators and firewall rules; what cannot be read becomes a problem of the server. */
async function completeServer(arm: ArmClient, server: AzureServer): Promise<void> {
  const version = API_VERSIONS[server.kind];
  const [admins, rules] = await Promise.allSettled([
    arm.list(
      `${server.id}/${server.kind === 'cosmos' ? 'roles' : 'administrators'}?api-version=${version}`,
      adminSchemas[server.kind],
    ),
    arm.list(`${server.id}/firewallRules?api-version=${version}`, firewallRuleSchema),
  ]);
  if (admins.status === 'fulfilled') {
    server.admins = admins.value.items.filter((admin): admin is AzureAdmin => admin !== null);
    // A Single Server takes tokens once it has an Entra administrator; Azure shows no other switch.
    if (server.kind === 'single') server.entraAuth = server.admins.length > 0;
  } else server.problems.push(`Entra administrators: ${why(admins.reason)}`);
  if (rules.status === 'fulfilled') server.firewallRules = rules.value.items;
  else server.problems.push(`firewall rules: ${why(rules.reason)}`);
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size)
    await Promise.all(items.slice(start, start + size).map(work));
}

/**
 * The server a user means: a resource ID, or a name (unique across what discovery found; a name
 * used in two resource groups must be given as a resource ID).
 */
export function pickServer(discovery: Discovery, reference: string): AzureServer {
  const wanted = reference.trim().toLowerCase();
  const matches = discovery.servers.filter(
    (s) => s.id.toLowerCase() === wanted || s.name.toLowerCase() === wanted,
  );
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1)
    throw new PgentraError(
      'azure-not-found',
      `"${reference}" names ${matches.length} servers; give the resource ID of one:\n${matches.map((s) => `  ${s.id}`).join('\n')}`,
    );
  const failed = discovery.subscriptions.filter((s) => s.problems.length > 0);
  throw new PgentraError(
    'azure-not-found',
    `No server "${reference}" in the ${discovery.subscriptions.length} subscription(s) your account sees` +
      (failed.length ? ` (some could not be read: ${failed.map((s) => s.name || s.id).join(', ')})` : ''),
  );
}
