// The Azure channels: discovery, "Add from Azure", the checks before connecting and "Allow my IP"
// (planned, shown, then confirmed by id: the window never sends a rule or an address).
import { randomBytes } from 'node:crypto';
import type { CheckResult } from '../../core/azure/checks.js';
import { clusterFromServer, clusterNameFor } from '../../core/azure/cluster-from-server.js';
import type { FirewallPlan } from '../../core/azure/azure.js';
import type { AzureServer } from '../../core/azure/resources.js';
import { PgentraError } from '../../core/errors.js';
import type { Pgentra } from '../../core/pgentra.js';
import type {
  AzureServerSnapshot,
  ChannelArgs,
  ChannelResult,
  ClusterSnapshot,
} from '../../shared/ipc-contract.js';

type AzureChannel =
  | 'azure:discover'
  | 'azure:addCluster'
  | 'azure:checks'
  | 'azure:planAllowMyIp'
  | 'azure:allowMyIp'
  | 'azure:removeFirewallRule';
type AzureHandlers = { [C in AzureChannel]: (...args: ChannelArgs<C>) => Promise<ChannelResult<C>> };

export function serverSnapshot(server: AzureServer): AzureServerSnapshot {
  return {
    id: server.id,
    name: server.name,
    kind: server.kind,
    elasticNodes: server.elasticNodes ?? null,
    subscriptionId: server.subscriptionId,
    resourceGroup: server.resourceGroup,
    location: server.location,
    version: server.version,
    state: server.state,
    stopped: server.stopped,
    host: server.host,
    database: server.database,
    publicAccess: server.publicAccess,
    privateSubnet: server.privateSubnet ?? null,
    privateEndpoints: server.privateEndpoints,
    entraAuth: server.entraAuth,
    admins: server.admins.map((admin) => ({ name: admin.name, type: admin.type })),
    firewallRules: server.firewallRules,
    problems: server.problems,
  };
}

const checkSnapshot = (result: CheckResult) => ({
  id: result.id,
  status: result.status,
  message: result.message,
  fix: result.fix ?? null,
  sql: result.sql ?? null,
  command: result.command ?? null,
});

export function createAzureHandlers(deps: {
  core: Pgentra;
  /** The saved cluster as the window shows it (after the change was broadcast). */
  added: (name: string) => Promise<ClusterSnapshot>;
}): AzureHandlers {
  const { core } = deps;
  // One plan waits for the person's yes at a time; confirming another id changes nothing.
  let pending: { id: string; cluster: string; plan: FirewallPlan } | undefined;
  return {
    'azure:discover': async (scope) => {
      const found = await core.azure.discover(scope);
      return {
        account: found.account,
        cloud: found.cloud,
        subscriptions: found.subscriptions,
        servers: found.servers.map(serverSnapshot),
      };
    },
    'azure:addCluster': async (form) => {
      const found = await core.azure.server(form.server, {
        cloud: form.cloud,
        account: form.account,
        tenant: form.tenant,
      });
      const cluster = await core.addCluster({
        ...clusterFromServer(found.server, found.cloud),
        name: form.name ?? clusterNameFor(found.server),
        ...(form.database ? { database: form.database } : {}),
        ...(form.port ? { port: form.port } : {}),
        user: form.user,
        group: form.group ?? false,
        account: form.account,
        tenant: form.tenant,
        trustHost: form.trustHost ?? false,
      });
      await core.trackClusters();
      return deps.added(cluster.name);
    },
    'azure:checks': async (name) => {
      const report = await core.azure.check(core.cluster(name));
      return {
        server: report.server && { id: report.server.id, name: report.server.name, kind: report.server.kind },
        results: report.results.map(checkSnapshot),
      };
    },
    'azure:planAllowMyIp': async (name) => {
      const plan = await core.azure.planAllowMyIp(core.cluster(name));
      pending = plan.existing ? undefined : { id: randomBytes(16).toString('hex'), cluster: name, plan };
      return {
        server: { id: plan.server.id, name: plan.server.name },
        ip: plan.ip,
        rule: plan.rule,
        existing: plan.existing ?? null,
        confirmId: pending?.id ?? null,
      };
    },
    'azure:allowMyIp': async (confirmId) => {
      const confirmed = pending;
      if (confirmed?.id !== confirmId)
        throw new PgentraError(
          'config-change-invalid',
          'that firewall change is no longer waiting for an answer: plan it again',
        );
      pending = undefined;
      await core.azure.applyFirewallPlan(core.cluster(confirmed.cluster), confirmed.plan);
      return { server: confirmed.plan.server.name, rule: confirmed.plan.rule.name };
    },
    'azure:removeFirewallRule': async (name, rule) => {
      const cluster = core.cluster(name);
      const target = await core.azure.firewallRuleToRemove(cluster, rule);
      if (target.rule) await core.azure.removeFirewallRule(cluster, target.rule.name);
      return { server: target.server.name, rule, removed: Boolean(target.rule) };
    },
  };
}
