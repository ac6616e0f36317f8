// The clusters in the config: listing, finding, adding, previewing a form as it is typed, editing
// and removing. Each change is validated as a whole before anything is written.
import type { SignedInAccount } from './auth/msal-session.js';
import { inferFromHost, normalizeHost } from './clouds.js';
import {
  buildCluster,
  clusterSchema,
  ClusterValidationError,
  loginUserFor,
  resourceFor,
  type Cluster,
  type ClusterInput,
} from './clusters.js';
import type { ConfigView } from './configuration.js';
import { ConfigError, type Config } from './config-store.js';
import { AuthError, PgentraError } from './errors.js';

export interface ClusterView extends Cluster {
  loginUser: string;
  resource: string;
}

/** A cluster as the CLI and the window submit it: the user may default to the signed-in account. */
export type ClusterSubmission = Omit<ClusterInput, 'user' | 'tenant' | 'serverName'> & {
  user?: string;
  /** null: the form cleared it; absent: a caller that does not know about tenants. */
  tenant?: string | null;
  /** Single Server's name for the login; null: cleared, absent: kept when editing. */
  serverName?: string | null;
};

export interface ClusterPreview {
  kind: Cluster['kind'] | null;
  cloud: string | null;
  loginUser: string | null;
  problems: { field: string; message: string }[];
}

export class ClusterNotFoundError extends PgentraError {
  override readonly name = 'ClusterNotFoundError';
  constructor(message: string) {
    super('cluster-not-found', message);
  }
}

export interface ClusterCatalogDeps {
  configuration: ConfigView & {
    update(change: (config: Config) => Config, options?: { drop?: readonly string[] }): Promise<Config>;
  };
  signedInAccounts: () => Promise<readonly SignedInAccount[]>;
}

export class ClusterCatalog {
  constructor(private readonly deps: ClusterCatalogDeps) {}

  list(): ClusterView[] {
    return this.deps.configuration.config.clusters.map((cluster) => this.view(cluster));
  }

  get(name: string): ClusterView {
    const clusters = this.deps.configuration.config.clusters;
    const cluster = clusters.find((c) => c.name === name);
    const flagged = this.flagged(name);
    if (!cluster && flagged) {
      const { file } = this.deps.configuration;
      throw new ConfigError(
        `cluster "${name}" in ${file} is invalid and set aside: ${flagged.field}: ${flagged.message}. Fix that field in the file, or remove the cluster with \`pgentra cluster remove ${name}\`.`,
        { code: 'flagged-entry', file, fields: [flagged.field] },
      );
    }
    if (!cluster) {
      const known = clusters.map((c) => c.name);
      throw new ClusterNotFoundError(
        `no cluster named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ' (add one with `pgentra cluster add`)'}`,
      );
    }
    return this.view(cluster);
  }

  /** The cluster pgAdmin or a script means by host, port and user (the exact login user). */
  find(target: { host: string; port: number; user: string }): ClusterView {
    const match = this.list().find(
      (c) =>
        c.host.toLowerCase() === target.host.toLowerCase() &&
        c.port === target.port &&
        (c.loginUser === target.user || c.user === target.user),
    );
    if (!match)
      throw new ClusterNotFoundError(
        `no cluster for ${target.user} at ${target.host}:${target.port}; add it with \`pgentra cluster add\``,
      );
    return match;
  }

  async add(input: ClusterSubmission): Promise<ClusterView> {
    if (!input.user && input.group)
      throw new ClusterValidationError('user', 'a group login needs the Entra group name as the user');
    // Without --account the account is chosen at use: the one named like the user, else the first.
    const user = input.user ?? (await this.defaultUser(input.account));
    const cluster = this.build({
      ...input,
      user,
      tenant: input.tenant ?? undefined,
      serverName: input.serverName ?? undefined,
    });
    await this.deps.configuration.update((config) => {
      if (config.clusters.some((c) => c.name === cluster.name))
        throw new ClusterValidationError('name', `a cluster named "${cluster.name}" already exists`);
      return { ...config, clusters: [...config.clusters, cluster] };
    });
    return this.view(cluster);
  }

  /**
   * What the form would produce, for validation as you type: inferred kind, cloud and login user.
   * `editing` names the cluster the form edits, which is not a duplicate of itself.
   */
  preview(form: Partial<ClusterSubmission>, editing?: string): ClusterPreview {
    const { settings, config } = this.deps.configuration;
    const host = form.host?.trim() ?? '';
    const inferred = host ? inferFromHost(host, settings.customClouds) : null;
    const kind = (form.kind as Cluster['kind'] | undefined) ?? inferred?.kind ?? null;
    const cloud = form.cloud ?? inferred?.cloud ?? (host ? settings.cloud : null);
    const problems: ClusterPreview['problems'] = [];
    // A host that is not a host name (a pasted URL, a conninfo) is the host's problem, said once:
    // the kind cannot be told from it, but that is not what the person has to fix.
    const hostProblem = host
      ? clusterSchema.shape.host.safeParse(normalizeHost(host)).error?.issues[0]?.message
      : undefined;
    if (hostProblem) problems.push({ field: 'host', message: hostProblem });
    else if (host && !kind)
      problems.push({ field: 'kind', message: 'cannot tell the server kind from this host: choose one' });
    if (form.name && form.name !== editing && config.clusters.some((c) => c.name === form.name))
      problems.push({ field: 'name', message: `a cluster named "${form.name}" already exists` });
    if (form.group && !form.user?.trim())
      problems.push({ field: 'user', message: 'a group login needs the Entra group name as the user' });
    let loginUser: string | null = null;
    if (kind && host && !hostProblem && form.name && form.user) {
      try {
        const { name, user } = form;
        loginUser = loginUserFor(
          this.build({
            ...form,
            name,
            host,
            user,
            kind,
            tenant: form.tenant ?? undefined,
            serverName: form.serverName ?? undefined,
          }),
        );
      } catch (error) {
        if (!(error instanceof ClusterValidationError)) throw error;
        if (!problems.some((problem) => problem.field === error.field))
          problems.push({ field: error.field, message: error.message.slice(error.field.length + 2) });
      }
    }
    return { kind, cloud, loginUser, problems };
  }

  async update(name: string, input: ClusterSubmission): Promise<ClusterView> {
    const existing = this.get(name);
    if (input.name !== name)
      throw new ClusterValidationError('name', 'a cluster cannot be renamed; remove it and add it again');
    // The window's form does not show every field: keep what it does not send.
    const cluster = this.build({
      ...input,
      user: input.user ?? existing.user,
      sslRootCert: input.sslRootCert ?? existing.sslRootCert,
      tls: input.tls ?? existing.tls,
      hostaddr: input.hostaddr ?? existing.hostaddr,
      trustHost: input.trustHost ?? existing.trustHost,
      azureResourceId: input.azureResourceId ?? existing.azureResourceId,
      tenant: input.tenant === undefined ? existing.tenant : (input.tenant ?? undefined),
      serverName: input.serverName === undefined ? existing.serverName : (input.serverName ?? undefined),
    });
    await this.deps.configuration.update((config) => ({
      ...config,
      clusters: config.clusters.map((c) => (c.name === name ? cluster : c)),
    }));
    return this.view(cluster);
  }

  /** Removes a cluster; one set aside as invalid is removed from the file as it stands. */
  async remove(name: string): Promise<void> {
    const flagged = this.flagged(name);
    if (flagged && !this.deps.configuration.config.clusters.some((c) => c.name === name)) {
      await this.deps.configuration.update((config) => config, { drop: [flagged.entry] });
      return;
    }
    this.get(name);
    await this.deps.configuration.update((config) => ({
      ...config,
      clusters: config.clusters.filter((c) => c.name !== name),
    }));
  }

  private flagged(name: string) {
    return this.deps.configuration.problems.find(
      (p) => p.clusterName === name && p.entry.startsWith('clusters['),
    );
  }

  private build(input: ClusterInput): Cluster {
    const { settings } = this.deps.configuration;
    return buildCluster(input, { defaultCloud: settings.cloud, customClouds: settings.customClouds });
  }

  private view(cluster: Cluster): ClusterView {
    const cloud = this.deps.configuration.cloud(cluster.cloud);
    return { ...cluster, loginUser: loginUserFor(cluster), resource: resourceFor(cluster, cloud) };
  }

  /** The database user defaults to the chosen (or only, or first) signed-in account's UPN. */
  private async defaultUser(account: string | undefined): Promise<string> {
    const accounts = await this.deps.signedInAccounts().catch(() => []);
    const wanted = account?.toLowerCase();
    const chosen = wanted
      ? accounts.find((a) => a.username.toLowerCase() === wanted || a.id === account)
      : accounts[0];
    if (!chosen) {
      throw new AuthError(
        'needs-sign-in',
        "Sign in first (`pgentra login`) or give --user: the database user defaults to your account's UPN.",
      );
    }
    return chosen.username;
  }
}
