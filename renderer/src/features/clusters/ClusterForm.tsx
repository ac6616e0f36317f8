import {
  Button,
  Checkbox,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  Select,
  Spinner,
  Text,
  tokens,
  type InputProps,
} from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
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
  /** Saved: what to tell the person, and the cluster's name (the list selects it). */
  onDone: (message: string, name: string) => void;
  onCancel: () => void;
}

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  // flex-start: a problem under one field must not stretch its neighbour.
  row: { display: 'flex', alignItems: 'flex-start', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  narrow: { width: '8em', flexShrink: 0 },
  // Fluent's Input keeps a minimum width of its own; in a row it must fit its Field.
  input: { width: '100%', minWidth: 0 },
  grow: { flex: '1 1 10em' },
  problem: { color: tokens.colorPaletteRedForeground1 },
});

/** The add and edit form, as the body of a dialog (ClusterDialog.tsx). */
export function ClusterForm({ snapshot, editing, onDone, onCancel }: Props) {
  const styles = useStyles();
  const form = useRef<HTMLFormElement>(null);
  // Focus a field by its name (the first problem, a field a save error names).
  const focusField = (field: string) =>
    window.requestAnimationFrame(() => {
      const element = form.current?.elements.namedItem(field);
      if (element instanceof HTMLElement) element.focus();
    });
  const [draft, setDraft] = useState<Draft>(() => toDraft(editing));
  const [touched, setTouched] = useState<Set<string>>(() => new Set(editing ? Object.keys(empty) : []));
  const [preview, setPreview] = useState<ClusterPreview | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Fields the person typed in this form: a pasted connection string does not overwrite them.
  const [typed, setTyped] = useState<Set<string>>(() => new Set());
  const [pasteNote, setPasteNote] = useState<string | null>(null);

  // An empty user means the signed-in account's UPN (the core fills it in on save): preview with
  // it, so "Logs in as …" (and a Single Server's @server suffix) shows before anything is typed.
  // The core fills in the chosen account's UPN, or the first account's when none is chosen.
  const defaultUser =
    snapshot.accounts.find((account) => account.username === draft.account)?.username ??
    snapshot.accounts[0]?.username;
  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      const values = previewable(toForm(draft));
      if (!values.user && !draft.group && defaultUser) values.user = defaultUser;
      void getApi()
        .previewCluster(values, editing?.name ?? null)
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
      if (first) focusField(first);
      return;
    }
    setSaving(true);
    setSubmitError(null);
    try {
      const api = getApi();
      const saved = editing
        ? await call(api.updateCluster(editing.name, parsed.data))
        : await call(api.addCluster(parsed.data));
      onDone(`${editing ? 'Saved' : 'Added'} ${saved.name}.`, saved.name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setSubmitError(message);
      const field = fieldOf(message)?.field;
      if (field) focusField(field);
    } finally {
      setSaving(false);
    }
  };

  const field = (
    name: keyof Draft,
    label: string,
    control: React.ReactElement,
    hint?: string,
    className?: string,
  ) => (
    <Field
      label={label}
      className={className}
      validationState={problems[name] ? 'error' : 'none'}
      validationMessage={problems[name]}
      // Only one of the two: a problem replaces the hint, and says what to do instead.
      hint={problems[name] ? undefined : hint}
    >
      {control}
    </Field>
  );
  const text = (
    name: 'name' | 'host' | 'port' | 'database' | 'user' | 'tenant' | 'serverName',
    placeholder: string,
    extra: Pick<InputProps, 'onPaste' | 'onBlur' | 'inputMode'> = {},
  ) => (
    <Input
      {...extra}
      className={styles.input}
      name={name}
      value={draft[name]}
      placeholder={placeholder}
      onChange={(_event, data) => set(name, data.value)}
      disabled={name === 'name' && editing !== null}
    />
  );
  const kindName = (kind: string | null | undefined) =>
    kind === 'cosmos' ? 'Cosmos DB for PostgreSQL' : kind === 'single' ? 'Single Server' : 'Flexible Server';

  return (
    <form
      ref={form}
      onSubmit={submit}
      noValidate
      aria-label={editing ? `Edit ${editing.name}` : 'Add a cluster'}
    >
      <DialogBody>
        <DialogTitle>{editing ? `Edit ${editing.name}` : 'Add a cluster'}</DialogTitle>
        <DialogContent className={styles.content}>
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
              ? `${kindName(preview.kind)} in the ${preview.cloud ?? '?'} cloud`
              : 'Or paste a connection string: pgentra reads host, port, database and user from it.',
          )}
          {pasteNote && (
            // Polite, not an alert: it reports what the paste did, nothing is wrong.
            <Text size={200} aria-live="polite" data-testid="paste-note">
              {pasteNote}
            </Text>
          )}
          <div className={styles.row}>
            {field('port', 'Port', text('port', '5432', { inputMode: 'numeric' }), undefined, styles.narrow)}
            {field(
              'database',
              'Database',
              // The core's default: citus for Cosmos DB for PostgreSQL, postgres for the others.
              text('database', (draft.kind || preview?.kind) === 'cosmos' ? 'citus' : 'postgres'),
              undefined,
              styles.grow,
            )}
          </div>
          {field(
            'user',
            draft.group ? 'Entra group name' : 'Database user',
            text('user', draft.group ? 'DB Admins' : (defaultUser ?? 'alice@contoso.com')),
            preview?.loginUser ? `Logs in as ${preview.loginUser}` : undefined,
          )}
          <Checkbox
            name="group"
            checked={draft.group}
            onChange={(_event, data) => set('group', data.checked === true)}
            label="This is an Entra group login (sign in as one of its members)"
          />
          <div className={styles.row}>
            {field(
              'kind',
              'Kind',
              <Select
                name="kind"
                value={draft.kind}
                onChange={(_event, data) => set('kind', data.value as Draft['kind'])}
              >
                <option value="">{preview?.kind ? `Automatic (${preview.kind})` : 'Automatic'}</option>
                <option value="flexible">Flexible Server</option>
                <option value="single">Single Server (legacy)</option>
                <option value="cosmos">Cosmos DB for PostgreSQL</option>
              </Select>,
              undefined,
              styles.grow,
            )}
            {field(
              'cloud',
              'Cloud',
              <Select name="cloud" value={draft.cloud} onChange={(_event, data) => set('cloud', data.value)}>
                <option value="">{preview?.cloud ? `Automatic (${preview.cloud})` : 'Automatic'}</option>
                {snapshot.settings.clouds.map((cloud) => (
                  <option key={cloud} value={cloud}>
                    {cloud}
                  </option>
                ))}
              </Select>,
              undefined,
              styles.grow,
            )}
            {snapshot.accounts.length > 1 &&
              field(
                'account',
                'Account',
                <Select
                  name="account"
                  value={draft.account}
                  onChange={(_event, data) => set('account', data.value)}
                >
                  <option value="">Automatic</option>
                  {snapshot.accounts.map((account) => (
                    <option key={account.id} value={account.username}>
                      {account.username}
                    </option>
                  ))}
                </Select>,
                undefined,
                styles.grow,
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
          <Field hint="Only for an IP address or private DNS alias you know: this token opens every Azure Database for PostgreSQL server your account can reach. The certificate is still verified.">
            <Checkbox
              name="trustHost"
              checked={draft.trustHost}
              onChange={(_event, data) => set('trustHost', data.checked === true)}
              label="Send tokens to this server though Azure does not vouch for it"
            />
          </Field>
          {submitError && !fieldOf(submitError) && (
            <Text className={styles.problem} role="alert">
              {submitError}
            </Text>
          )}
        </DialogContent>
        <DialogActions>
          <Button type="button" onClick={onCancel}>
            Cancel
          </Button>
          <Button
            type="submit"
            appearance="primary"
            disabled={saving}
            icon={saving ? <Spinner size="tiny" /> : undefined}
          >
            {editing ? 'Save' : 'Add cluster'}
          </Button>
        </DialogActions>
      </DialogBody>
    </form>
  );
}
