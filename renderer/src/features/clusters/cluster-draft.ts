// The add/edit form's state: the draft as typed, what it sends, and which field each problem
// belongs to (from the shared schema, and from the main process's preview).
import {
  clusterFormSchema,
  type ClusterForm as FormValues,
  type ClusterPreview,
  type ClusterSnapshot,
} from '../../../../electron/shared/ipc-contract';

export interface Draft {
  name: string;
  host: string;
  port: string;
  database: string;
  user: string;
  group: boolean;
  kind: '' | 'flexible' | 'single' | 'cosmos';
  cloud: string;
  account: string;
  tenant: string;
  trustHost: boolean;
  serverName: string;
}

export const empty: Draft = {
  name: '',
  host: '',
  port: '',
  database: '',
  user: '',
  group: false,
  kind: '',
  cloud: '',
  account: '',
  tenant: '',
  trustHost: false,
  serverName: '',
};

export function toDraft(cluster: ClusterSnapshot | null): Draft {
  if (!cluster) return empty;
  return {
    name: cluster.name,
    host: cluster.host,
    port: String(cluster.port),
    database: cluster.database,
    user: cluster.user,
    group: cluster.group,
    kind: cluster.kind,
    cloud: cluster.cloud,
    account: cluster.account ?? '',
    tenant: cluster.tenant ?? '',
    trustHost: cluster.trustHost,
    serverName: cluster.serverName ?? '',
  };
}

export function toForm(draft: Draft): Partial<FormValues> {
  return {
    name: draft.name,
    host: draft.host.trim(),
    ...(draft.port ? { port: Number(draft.port) } : {}),
    ...(draft.database ? { database: draft.database } : {}),
    ...(draft.user ? { user: draft.user } : {}),
    group: draft.group,
    ...(draft.kind ? { kind: draft.kind } : {}),
    ...(draft.cloud ? { cloud: draft.cloud } : {}),
    ...(draft.account ? { account: draft.account } : {}),
    tenant: draft.tenant.trim() || null,
    trustHost: draft.trustHost,
    // Only a Single Server logs in as user@servername; any other kind clears it.
    serverName: draft.kind === 'single' ? draft.serverName.trim() || null : null,
  };
}

/** Field → message, from the shared schema (shape) and the main process's preview (inference). */
export function problemsOf(
  draft: Draft,
  preview: ClusterPreview | null,
  touched: Set<string>,
  submitError: string | null = null,
): Record<string, string> {
  const problems: Record<string, string> = {};
  const fromSave = fieldOf(submitError);
  if (fromSave) problems[fromSave.field] = fromSave.message;
  const parsed = clusterFormSchema.safeParse(toForm(draft));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'form');
      problems[field] ??= issue.message;
    }
  }
  if (draft.port && !/^\d+$/.test(draft.port)) problems.port = 'the port is a number, e.g. 5432';
  else if (draft.port && (Number(draft.port) < 1 || Number(draft.port) > 65535))
    problems.port = 'the port is between 1 and 65535 (PostgreSQL listens on 5432)';
  for (const problem of preview?.problems ?? []) problems[problem.field] ??= problem.message;
  return Object.fromEntries(Object.entries(problems).filter(([field]) => touched.has(field)));
}

/**
 * Only the fields that pass the shared schema: the main process rejects the whole preview
 * otherwise, and one bad field (a name with a space) would hide the kind, cloud and login hints.
 */
export function previewable(form: Partial<FormValues>): Partial<FormValues> {
  const shape = clusterFormSchema.shape;
  return Object.fromEntries(
    Object.entries(form).filter(([key, value]) => shape[key as keyof typeof shape].safeParse(value).success),
  );
}

/** A save error that names a form field ("host: …") belongs next to that field, said once. */
export function fieldOf(message: string | null): { field: string; message: string } | null {
  const match = /^(\w+): (.+)$/s.exec(message ?? '');
  const field = match?.[1];
  return field && match[2] && (FIELD_ORDER as readonly string[]).includes(field)
    ? { field, message: match[2] }
    : null;
}

/** Field order on screen: where focus goes when a submit is blocked. */
export const FIELD_ORDER = [
  'name',
  'host',
  'port',
  'database',
  'user',
  'kind',
  'cloud',
  'account',
  'serverName',
  'tenant',
] as const;
