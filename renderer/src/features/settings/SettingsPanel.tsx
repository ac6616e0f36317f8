import { useEffect, useId, useState } from 'react';
import {
  settingsPatchSchema,
  type AppSnapshot,
  type SettingsPatch,
} from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';

/** The names the form shows, for messages about a field. */
const FIELD_LABELS: Record<string, string> = {
  refreshMarginSec: 'Refresh this many minutes before expiry',
  pgpassPath: 'pgpass file',
  clipboardClearSec: 'Clear a copied token after (seconds)',
  terminal: 'Terminals to try',
  pgadminPath: 'pgAdmin location',
  clientId: 'Client ID',
  tenant: 'Tenant',
};

interface Props {
  snapshot: AppSnapshot;
  onNotice: (message: string, isError?: boolean, details?: readonly string[]) => void;
}

export function SettingsPanel({ snapshot, onNotice }: Props) {
  const id = useId();
  const s = snapshot.settings;
  const [draft, setDraft] = useState(() => ({
    refreshMarginMin: String(Math.round(s.refreshMarginSec / 60)),
    pgpassEnabled: s.pgpassEnabled,
    pgpassPath: s.pgpassPath ?? '',
    clipboardClearSec: String(s.clipboardClearSec),
    terminal: s.terminal.join(', '),
    pgadminPath: s.pgadminPath ?? '',
    clientId: s.clientId,
    tenant: s.tenant,
    startAtLogin: s.startAtLogin,
  }));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setProblem(null), [draft]);

  const patch = (): SettingsPatch => ({
    refreshMarginSec: Number(draft.refreshMarginMin) * 60,
    pgpassEnabled: draft.pgpassEnabled,
    pgpassPath: draft.pgpassPath.trim() || null,
    clipboardClearSec: Number(draft.clipboardClearSec),
    terminal: draft.terminal
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    pgadminPath: draft.pgadminPath.trim() || null,
    clientId: draft.clientId.trim(),
    tenant: draft.tenant.trim(),
    startAtLogin: draft.startAtLogin,
  });
  const parsed = settingsPatchSchema.safeParse(patch());
  const firstIssue = parsed.success ? undefined : parsed.error.issues[0];
  // The form edits minutes where the setting is in seconds; every other field has the same name.
  const invalidField = firstIssue
    ? String(firstIssue.path[0]) === 'refreshMarginSec'
      ? 'refreshMarginMin'
      : String(firstIssue.path[0])
    : undefined;
  const problemId = `${id}-problem`;
  const fieldProblem = firstIssue
    ? `${FIELD_LABELS[String(firstIssue.path[0])] ?? String(firstIssue.path[0] ?? '')}: ${firstIssue.message}`
    : null;

  const installCli = async () => {
    try {
      onNotice((await call(getApi().installCli())).message);
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
    }
  };

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!parsed.success) return setProblem(fieldProblem);
    try {
      await call(getApi().updateSettings(parsed.data));
      onNotice('Settings saved.');
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const input = (key: keyof typeof draft, label: string, hint?: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      {type === 'checkbox' ? (
        <input
          id={`${id}-${key}`}
          type="checkbox"
          checked={Boolean(draft[key])}
          onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.checked }))}
        />
      ) : (
        <input
          id={`${id}-${key}`}
          type={type}
          value={String(draft[key])}
          aria-invalid={invalidField === key ? true : undefined}
          aria-describedby={invalidField === key ? problemId : undefined}
          onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
        />
      )}
      {hint && <div className="hint">{hint}</div>}
    </div>
  );

  return (
    <form className="panel settings" onSubmit={save} aria-labelledby="settings-heading" noValidate>
      <h2 id="settings-heading">Settings</h2>
      {input(
        'refreshMarginMin',
        'Refresh this many minutes before expiry',
        'Tokens are also refreshed when only 25 % of their lifetime is left.',
        'number',
      )}
      {input('pgpassEnabled', 'Keep tokens in my pgpass file', undefined, 'checkbox')}
      {input('pgpassPath', 'pgpass file', `Empty: ${s.effectivePgpassPath}`)}
      {input('clipboardClearSec', 'Clear a copied token after (seconds)', undefined, 'number')}
      {input('terminal', 'Terminals to try, in order', 'e.g. gnome-terminal, konsole, xterm')}
      {input('pgadminPath', 'pgAdmin location', 'Empty: found automatically')}
      {input(
        'clientId',
        'Client ID',
        "Your organisation's app registration (see the README), or the Azure CLI's.",
      )}
      {input('tenant', 'Tenant', '"organizations", a tenant ID or a domain')}
      {input('startAtLogin', 'Start pgentra when I log in', undefined, 'checkbox')}
      {(problem ?? fieldProblem) && (
        <div className="problem" role="alert" id={problemId}>
          {problem ?? fieldProblem}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary">
          Save settings
        </button>
        <button type="button" onClick={() => void installCli()}>
          Install the pgentra command
        </button>
      </div>
    </form>
  );
}
