import { useEffect, useId, useState } from 'react';
import {
  clusterFormSchema,
  type AppSnapshot,
  type ClusterPreview,
  type ClusterSnapshot,
} from '../../../../electron/shared/ipc-contract';
import { call, getApi } from '../../api/client';
import {
  empty,
  FIELD_ORDER,
  fieldOf,
  previewable,
  problemsOf,
  toDraft,
  toForm,
  type Draft,
} from './cluster-draft';
import { applyPastedHost } from './pasted-host';

interface Props {
  snapshot: AppSnapshot;
  editing: ClusterSnapshot | null;
  onDone: (message: string) => void;
  onCancel: () => void;
}

export function ClusterForm({ snapshot, editing, onDone, onCancel }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => toDraft(editing));
  const [touched, setTouched] = useState<Set<string>>(() => new Set(editing ? Object.keys(empty) : []));
  const [preview, setPreview] = useState<ClusterPreview | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Fields the person typed in this form: a pasted connection string does not overwrite them.
  const [typed, setTyped] = useState<Set<string>>(() => new Set());
  const [pasteNote, setPasteNote] = useState<string | null>(null);

  useEffect(() => {
    setDraft(toDraft(editing));
    setTouched(new Set(editing ? Object.keys(empty) : []));
    setTyped(new Set());
    setPasteNote(null);
  }, [editing]);

  // An empty user means the signed-in account's UPN (the core fills it in on save): preview with
  // it, so "Logs in as …" (and a Single Server's @server suffix) shows before anything is typed.
  // The core fills in the chosen account's UPN, or the first account's when none is chosen.
  const defaultUser =
    snapshot.accounts.find((account) => account.username === draft.account)?.username ??
    snapshot.accounts[0]?.username;
  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      const form = previewable(toForm(draft));
      if (!form.user && !draft.group && defaultUser) form.user = defaultUser;
      void getApi()
        .previewCluster(form, editing?.name ?? null)
        .then((result) => current && result.ok && setPreview(result.value));
    }, 120);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [draft, defaultUser, editing]);

  const problems = problemsOf(draft, preview, touched, submitError);
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setTouched((t) => new Set(t).add(field));
    setTyped((t) => new Set(t).add(field));
    if (field === 'host') setPasteNote(null);
    // A save error is about what was sent; once the person edits, it no longer applies.
    setSubmitError(null);
  };
  /** Reads `text` as a pasted connection string into the form; false when it is not one. */
  const takePasted = (text: string): boolean => {
    const taken = applyPastedHost(draft, typed, text);
    if (!taken) return false;
    setDraft(taken.draft);
    setTouched((t) => new Set([...t, ...taken.filled]));
    setPasteNote(taken.note);
    setSubmitError(null);
    return true;
  };
  const hostPaste = {
    onPaste: (event: React.ClipboardEvent<HTMLInputElement>) => {
      const input = event.currentTarget;
      const start = input.selectionStart ?? input.value.length;
      const end = input.selectionEnd ?? input.value.length;
      const after =
        input.value.slice(0, start) + event.clipboardData.getData('text') + input.value.slice(end);
      if (takePasted(after)) event.preventDefault();
    },
    // Typed or dropped in rather than pasted: read it when the person moves on.
    onBlur: () => void takePasted(draft.host),
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    // Enter straight after typing a connection string into Host: show what it holds first.
    if (takePasted(draft.host)) return;
    const all = new Set(Object.keys(empty));
    setTouched(all);
    const parsed = clusterFormSchema.safeParse(toForm(draft));
    const blocking = problemsOf(draft, preview, all);
    if (!parsed.success || Object.keys(blocking).length > 0) {
      // Keyboard and screen-reader users land on the first problem (its message is described-by).
      const first = FIELD_ORDER.find((field) => blocking[field]);
      if (first) window.requestAnimationFrame(() => document.getElementById(`${id}-${first}`)?.focus());
      return;
    }
    setSaving(true);
    setSubmitError(null);
    try {
      const api = getApi();
      const saved = editing
        ? await call(api.updateCluster(editing.name, parsed.data))
        : await call(api.addCluster(parsed.data));
      onDone(`${editing ? 'Saved' : 'Added'} ${saved.name}.`);
      if (!editing) {
        setDraft(empty);
        setTouched(new Set());
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setSubmitError(message);
      const field = fieldOf(message)?.field;
      if (field) window.requestAnimationFrame(() => document.getElementById(`${id}-${field}`)?.focus());
    } finally {
      setSaving(false);
    }
  };

  const field = (name: keyof Draft, label: string, input: React.ReactNode, hint?: React.ReactNode) => (
    <div className={`field${problems[name] ? ' invalid' : ''}`}>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      {input}
      {problems[name] ? (
        <div className="problem" id={`${id}-${name}-problem`} role="alert">
          {problems[name]}
        </div>
      ) : hint ? (
        <div className="hint">{hint}</div>
      ) : null}
    </div>
  );
  const text = (
    name: 'name' | 'host' | 'port' | 'database' | 'user' | 'tenant' | 'serverName',
    placeholder: string,
    extra: React.InputHTMLAttributes<HTMLInputElement> = {},
  ) => (
    <input
      {...extra}
      id={`${id}-${name}`}
      name={name}
      value={draft[name]}
      placeholder={placeholder}
      aria-invalid={problems[name] ? true : undefined}
      aria-describedby={problems[name] ? `${id}-${name}-problem` : undefined}
      onChange={(e) => set(name, e.target.value)}
      disabled={name === 'name' && editing !== null}
    />
  );

  return (
    <form
      className="cluster-form"
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit ${editing.name}` : 'Add a cluster'}
    >
      <h2>{editing ? `Edit ${editing.name}` : 'Add a cluster'}</h2>
      {field(
        'name',
        'Name',
        text('name', 'prod'),
        'Your short name for it; used in commands like `pgentra token prod`.',
      )}
      {field(
        'host',
        'Host',
        text('host', 'myserver.postgres.database.azure.com', hostPaste),
        preview?.kind
          ? `${preview.kind === 'cosmos' ? 'Cosmos DB for PostgreSQL' : preview.kind === 'single' ? 'Single Server' : 'Flexible Server'} in the ${preview.cloud ?? '?'} cloud`
          : undefined,
      )}
      {pasteNote && (
        // Polite, not an alert: it reports what the paste did, nothing is wrong.
        <div className="hint" aria-live="polite" data-testid="paste-note">
          {pasteNote}
        </div>
      )}
      <div className="row">
        {field('port', 'Port', text('port', '5432'))}
        {field(
          'database',
          'Database',
          // The core's default: citus for Cosmos DB for PostgreSQL, postgres for the others.
          text('database', (draft.kind || preview?.kind) === 'cosmos' ? 'citus' : 'postgres'),
        )}
      </div>
      {field(
        'user',
        draft.group ? 'Entra group name' : 'Database user',
        text('user', draft.group ? 'DB Admins' : (defaultUser ?? 'alice@contoso.com')),
        preview?.loginUser ? `Logs in as ${preview.loginUser}` : undefined,
      )}
      <div className="field checkbox">
        <input
          id={`${id}-group`}
          type="checkbox"
          checked={draft.group}
          onChange={(e) => set('group', e.target.checked)}
        />
        <label htmlFor={`${id}-group`}>This is an Entra group login (sign in as one of its members)</label>
      </div>
      <div className="row">
        {field(
          'kind',
          'Kind',
          <select
            id={`${id}-kind`}
            aria-invalid={problems.kind ? true : undefined}
            aria-describedby={problems.kind ? `${id}-kind-problem` : undefined}
            value={draft.kind}
            onChange={(e) => set('kind', e.target.value as Draft['kind'])}
          >
            <option value="">{preview?.kind ? `Automatic (${preview.kind})` : 'Automatic'}</option>
            <option value="flexible">Flexible Server</option>
            <option value="single">Single Server (legacy)</option>
            <option value="cosmos">Cosmos DB for PostgreSQL</option>
          </select>,
        )}
        {field(
          'cloud',
          'Cloud',
          <select
            id={`${id}-cloud`}
            aria-invalid={problems.cloud ? true : undefined}
            aria-describedby={problems.cloud ? `${id}-cloud-problem` : undefined}
            value={draft.cloud}
            onChange={(e) => set('cloud', e.target.value)}
          >
            <option value="">{preview?.cloud ? `Automatic (${preview.cloud})` : 'Automatic'}</option>
            {snapshot.settings.clouds.map((cloud) => (
              <option key={cloud} value={cloud}>
                {cloud}
              </option>
            ))}
          </select>,
        )}
        {snapshot.accounts.length > 1 &&
          field(
            'account',
            'Account',
            <select
              id={`${id}-account`}
              value={draft.account}
              onChange={(e) => set('account', e.target.value)}
            >
              <option value="">Automatic</option>
              {snapshot.accounts.map((account) => (
                <option key={account.id} value={account.username}>
                  {account.username}
                </option>
              ))}
            </select>,
          )}
      </div>
      {draft.kind === 'single' &&
        field(
          'serverName',
          'Server name',
          text('serverName', 'myserver'),
          'For a host that is an IP address or a custom DNS name: the server in user@servername.',
        )}
      {field(
        'tenant',
        "Server's tenant (guest access)",
        text('tenant', 'empty: your own'),
        "Only when the server is in another organisation's Entra tenant: its tenant ID or domain.",
      )}
      <div className="field checkbox">
        <input
          id={`${id}-trust-host`}
          type="checkbox"
          checked={draft.trustHost}
          aria-describedby={`${id}-trust-host-reach`}
          onChange={(e) => set('trustHost', e.target.checked)}
        />
        <label htmlFor={`${id}-trust-host`}>
          Send tokens to this server though Azure does not vouch for it
        </label>
        <div className="hint" id={`${id}-trust-host-reach`}>
          Only for an IP address or private DNS alias you know: this token opens every Azure Database for
          PostgreSQL server your account can reach. The certificate is still verified.
        </div>
      </div>
      {submitError && !fieldOf(submitError) && (
        <div className="problem" role="alert">
          {submitError}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {editing ? 'Save' : 'Add cluster'}
        </button>
        {editing && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
