// Azure as the faces see it: discovery, the checks before connecting and "Allow my IP", all with
// the account's existing sign-in. The Azure Resource Manager token is asked of the same MSAL
// session only when one of these runs (nothing new to sign in to); consent that is missing, and
// an account that sees no subscriptions, are explained with what to ask an administrator for.
import type { SignedInAccount } from '../auth/msal-session.js';
import { accountInCloud, normalizeHost, type Cloud } from '../clouds.js';
import type { ClusterView } from '../cluster-catalog.js';
import type { TokenSource } from '../engine/types.js';
import { authKindOf, describeFailure, isPgentraError, PgentraError } from '../errors.js';
import type { Clock, FileSystem, HttpsFetch } from '../ports.js';
import type { TokenClaims } from '../tokens.js';
import { ArmClient } from './arm-client.js';
import { preconnectChecks, type CheckResult } from './checks.js';
import { discover, pickServer, serverById, type Discovery } from './discovery.js';
import { coveringRule, ruleForIp } from './firewall.js';
import { createNodeHttps } from './node-https.js';
import { API_VERSIONS, type AzureServer, type FirewallRule } from './resources.js';

export const DEFAULT_PUBLIC_IP_URL = 'https://api.ipify.org?format=json';

export interface AzureDeps {
  clock: Clock;
  fs: FileSystem;
  cloud: (name?: string) => Cloud;
  accounts: () => Promise<readonly SignedInAccount[]>;
  tokenSource: TokenSource;
  /** Default: node:https trusting `extraCa` besides Node's roots. */
  https?: (extraCa: Buffer[]) => HttpsFetch;
  settings: () => { clientId: string };
  /** The cluster's own token (its sign-in and tenant) and the account it came from. */
  tokens: { identity(cluster: ClusterView): Promise<{ accountId: string; claims: TokenClaims }> };
}

export interface AzureScope {
  cloud?: string;
  /** UPN or account ID; default: the first account signed in to the cloud. */
  account?: string;
  /** Another organisation's tenant (guest access): its subscriptions, with a token from it. */
  tenant?: string;
}

export interface CheckReport {
  server: AzureServer | null;
  results: CheckResult[];
}

export interface FirewallPlan {
  server: AzureServer;
  ip: string;
  /** The rule that already lets this IP in: nothing to change. */
  existing?: FirewallRule;
  rule: FirewallRule;
}

// Entra's codes for a client that may not ask for this resource (consent, assignment, pre-authorisation).
const CONSENT_CODES = ['AADSTS65001', 'AADSTS650057', 'AADSTS90094', 'AADSTS90099', 'AADSTS50105'];

export class Azure {
  private readonly clients = new Map<string, Promise<HttpsFetch>>();

  constructor(private readonly deps: AzureDeps) {}

  /** Whether pgentra knows the cloud's Azure Resource Manager. */
  knows(cloudName: string): boolean {
    return Boolean(this.deps.cloud(cloudName).arm);
  }

  async discover(
    scope: AzureScope & { subscription?: string },
  ): Promise<Discovery & { account: string; cloud: string }> {
    const { arm, account, cloud } = await this.session(scope);
    return {
      ...(await discover(arm, { subscription: scope.subscription })),
      account: account.username,
      cloud: cloud.name,
    };
  }

  /** A server by name (unique among what the account sees) or resource ID. */
  async server(
    reference: string,
    scope: AzureScope,
  ): Promise<{ server: AzureServer; cloud: string; account: string }> {
    const { arm, account, cloud } = await this.session(scope);
    const server = reference.trim().startsWith('/subscriptions/')
      ? await serverById(arm, reference.trim())
      : pickServer(await discover(arm), reference);
    return { server, cloud: cloud.name, account: account.username };
  }

  /** The checks before connecting, with the cluster's own sign-in. */
  async check(cluster: ClusterView): Promise<CheckReport> {
    const { claims } = await this.deps.tokens.identity(cluster);
    const server = await this.serverFor(cluster);
    if (!server) return { server: null, results: [] };
    const publicIp = await this.publicIp(cluster.cloud).catch(
      (error: unknown) => new Error(describeFailure(error).message),
    );
    const results = preconnectChecks({
      clusterName: cluster.name,
      server,
      identity: {
        user: cluster.user,
        group: cluster.group,
        objectId: claims.oid,
        groupIds: claims.groups ?? [],
      },
      publicIp,
    });
    return { server, results };
  }

  /** What "Allow my IP" would do; nothing changes until `applyFirewallPlan`. */
  async planAllowMyIp(cluster: ClusterView): Promise<FirewallPlan> {
    const server = await this.requireServerFor(cluster);
    if (!server.publicAccess)
      throw new PgentraError(
        'azure-access',
        `${server.name} has public access disabled: a firewall rule would not let you in. Connect from its private network.`,
      );
    const ip = await this.publicIp(cluster.cloud);
    const existing = coveringRule(server, ip);
    return { server, ip, rule: ruleForIp(ip, cluster.user), ...(existing ? { existing } : {}) };
  }

  async applyFirewallPlan(cluster: ClusterView, plan: FirewallPlan): Promise<void> {
    if (plan.existing) return;
    const arm = await this.armFor(cluster);
    await arm.change('PUT', this.rulePath(plan.server, plan.rule.name), {
      properties: { startIpAddress: plan.rule.start, endIpAddress: plan.rule.end },
    });
  }

  /** The rule `removeFirewallRule` would remove (default: the one "Allow my IP" adds for this IP). */
  async firewallRuleToRemove(
    cluster: ClusterView,
    name?: string,
  ): Promise<{ server: AzureServer; name: string; rule?: FirewallRule }> {
    const server = await this.requireServerFor(cluster);
    const wanted = name ?? ruleForIp(await this.publicIp(cluster.cloud), cluster.user).name;
    const rule = server.firewallRules.find((r) => r.name === wanted);
    return { server, name: wanted, ...(rule ? { rule } : {}) };
  }

  async removeFirewallRule(cluster: ClusterView, name: string): Promise<void> {
    const server = await this.requireServerFor(cluster);
    await (await this.armFor(cluster)).change('DELETE', this.rulePath(server, name));
  }

  /** The caller's public IP, from the cloud's "what is my IP" service. */
  async publicIp(cloudName?: string): Promise<string> {
    const cloud = this.deps.cloud(cloudName);
    const url = cloud.publicIpUrl ?? DEFAULT_PUBLIC_IP_URL;
    const response = await (
      await this.http(cloud)
    ).request({ method: 'GET', url, headers: { accept: 'application/json' } });
    const text = response.body.trim();
    let ip: unknown = text;
    try {
      ip = (JSON.parse(text) as { ip?: unknown }).ip ?? text;
    } catch {
      // A bare address is an answer too.
    }
    if (response.status !== 200 || typeof ip !== 'string' || !/^[0-9a-f.:]{3,45}$/i.test(ip))
      throw new PgentraError(
        'azure-unavailable',
        `${new URL(url).host} did not say what your public IP is (HTTP ${response.status})`,
      );
    return ip;
  }

  private rulePath(server: AzureServer, rule: string): string {
    return `${server.id}/firewallRules/${encodeURIComponent(rule)}?api-version=${API_VERSIONS[server.kind]}`;
  }

  private async requireServerFor(cluster: ClusterView): Promise<AzureServer> {
    const server = await this.serverFor(cluster);
    if (!server)
      throw new PgentraError(
        'azure-not-found',
        `pgentra finds no Azure server for ${cluster.name} (${cluster.host}) among those your account sees.`,
      );
    return server;
  }

  /** The cluster's server: by its saved resource ID, else the one whose host name it uses. */
  private async serverFor(cluster: ClusterView): Promise<AzureServer | null> {
    const arm = await this.armFor(cluster);
    if (cluster.azureResourceId) return serverById(arm, cluster.azureResourceId);
    const host = normalizeHost(cluster.host);
    const { servers } = await discover(arm);
    return servers.find((s) => normalizeHost(s.host) === host && s.kind === cluster.kind) ?? null;
  }

  private async armFor(cluster: ClusterView): Promise<ArmClient> {
    const { accountId } = await this.deps.tokens.identity(cluster);
    return (await this.session({ cloud: cluster.cloud, account: accountId, tenant: cluster.tenant })).arm;
  }

  private async session(
    scope: AzureScope,
  ): Promise<{ arm: ArmClient; account: SignedInAccount; cloud: Cloud }> {
    const cloud = this.deps.cloud(scope.cloud);
    if (!cloud.arm)
      throw new PgentraError(
        'azure-access',
        `The ${cloud.name} cloud has no Azure Resource Manager endpoint (add "arm" to it in config.json).`,
      );
    const accounts = (await this.deps.accounts()).filter((a) => accountInCloud(a.environment, cloud));
    const wanted = scope.account?.toLowerCase();
    const account = wanted
      ? accounts.find((a) => a.id === scope.account || a.username.toLowerCase() === wanted)
      : accounts[0];
    if (!account)
      throw new PgentraError(
        'needs-sign-in',
        wanted
          ? `${scope.account} is not signed in to the ${cloud.name} cloud.`
          : `No account is signed in to the ${cloud.name} cloud.`,
      );
    const request = {
      accountId: account.id,
      resource: cloud.arm.resource,
      forceRefresh: false,
      ...(scope.tenant ? { tenant: scope.tenant } : {}),
    };
    const token = () =>
      this.deps.tokenSource.acquire(request).then(
        (t) => t.accessToken,
        (error: unknown) => Promise.reject(this.consentProblem(error, cloud)),
      );
    const arm = new ArmClient({
      http: await this.http(cloud),
      clock: this.deps.clock,
      endpoint: cloud.arm.endpoint,
      token,
    });
    return { arm, account, cloud };
  }

  /** A refused ARM token explained: what to ask an administrator for. */
  private consentProblem(error: unknown, cloud: Cloud): unknown {
    const entraCode = isPgentraError(error) ? error.details.entraCode : undefined;
    const consent =
      CONSENT_CODES.some((code) => entraCode?.startsWith(code)) || authKindOf(error) === 'config';
    if (!consent) return error;
    return new PgentraError(
      'azure-consent',
      `Entra ID will not give pgentra (client ID ${this.deps.settings().clientId}) a token for Azure Resource Manager (${cloud.arm?.resource}): ` +
        `${describeFailure(error).message}. Ask an administrator to grant consent for the delegated permission user_impersonation of ` +
        'Azure Service Management to this client ID. Signing in and tokens for your databases are not affected.',
      { ...(entraCode ? { entraCode } : {}), cause: error },
    );
  }

  private http(cloud: Cloud): Promise<HttpsFetch> {
    let client = this.clients.get(cloud.name);
    if (!client) {
      const https = this.deps.https ?? ((extraCa: Buffer[]) => createNodeHttps({ extraCa }));
      client = (async () => https(cloud.caFile ? [await this.deps.fs.readFile(cloud.caFile)] : []))();
      this.clients.set(cloud.name, client);
    }
    return client;
  }
}
