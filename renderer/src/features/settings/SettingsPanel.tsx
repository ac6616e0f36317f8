import { useEffect, useId, useState } from 'react';
import {
  settingsPatchSchema,
  type AppSnapshot,
  type SettingsPatch,
} from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import type { KnownTerminal } from '../../../../electron/shared/terminals';
import { useConfirm } from '../../components/ConfirmDialog';

/** The terminal select's value when config.json holds what the window cannot (a custom command, a list). */
const FROM_CONFIG = 'from-config';

/** The names the form shows, for messages about a field. */
const FIELD_LABELS: Record<string, string> = {
  refreshMarginSec: 'Refresh this many minutes before expiry',
  clipboardClearSec: 'Clear a copied token after (seconds)',
  terminal: 'Terminal for psql',
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
  const [confirmDialog, confirm] = useConfirm();
  // One known terminal is what the window can set; anything else came from config.json and stays.
  const initialTerminal =
    s.terminal.length === 0
      ? ''
      : s.terminal.length === 1 && s.knownTerminals.includes(s.terminal[0] ?? '')
        ? (s.terminal[0] ?? '')
        : FROM_CONFIG;
  const [draft, setDraft] = useState(() => ({
    refreshMarginMin: String(Math.round(s.refreshMarginSec / 60)),
    pgpassEnabled: s.pgpassEnabled,
    clipboardClearSec: String(s.clipboardClearSec),
    terminal: initialTerminal,
    clientId: s.clientId,
    tenant: s.tenant,
    startAtLogin: s.startAtLogin,
  }));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setProblem(null), [draft]);

  const patch = (): SettingsPatch => ({
    refreshMarginSec: Number(draft.refreshMarginMin) * 60,
    pgpassEnabled: draft.pgpassEnabled,
    clipboardClearSec: Number(draft.clipboardClearSec),
    // The select offers only known names; the schema below checks it all the same.
    ...(draft.terminal === FROM_CONFIG
      ? {}
      : { terminal: draft.terminal ? [draft.terminal as KnownTerminal] : [] }),
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

  // Paths come from the main process's file picker; the window only ever learns the result.
  const pick = async (work: () => Promise<string | null>) => {
    try {
      const message = await work();
      if (message) onNotice(message);
    } catch (error) {
      onNotice(error instanceof Error ? error.message : String(error), true);
    }
  };
  const choosePgpass = () =>
    pick(async () => {
      const choice = await call(getApi().choosePgpassFile());
      if (choice.outcome === 'cancelled') return null;
      if (choice.outcome === 'saved') return `pgpass file: ${choice.settings.effectivePgpassPath}`;
      const lines = choice.foreignLines === 1 ? '1 line' : `${choice.foreignLines} lines`;
      const yes = await confirm({
        title: 'Use this pgpass file?',
        body: `${choice.path} has ${lines} not written by pgentra; pgentra will add its block at the top — continue?`,
        confirmLabel: 'Use this file',
      });
      if (!yes) return 'The pgpass file was not changed.';
      const saved = await call(getApi().adoptPgpassFile(choice.confirmId));
      return `pgpass file: ${saved.effectivePgpassPath}`;
    });
  const choosePgadmin = () =>
    pick(async () => {
      const saved = await call(getApi().choosePgadmin());
      return saved ? `pgAdmin: ${saved.pgadminPath ?? 'found automatically'}` : null;
    });
  const resetPath = (patch: SettingsPatch, message: string) =>
    pick(async () => (await call(getApi().updateSettings(patch)), message));

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

  const pathSetting = (
    key: string,
    label: string,
    value: string,
    choose: () => void,
    reset: (() => void) | null,
  ) => (
    <div className="field" role="group" aria-labelledby={`${id}-${key}-label`}>
      <div className="label" id={`${id}-${key}-label`}>
        {label}
      </div>
      <div className="setting-value" data-testid={`${key}-value`}>
        {value}
      </div>
      <div className="actions">
        <button type="button" onClick={choose}>
          Choose…
        </button>
        {reset && (
          <button type="button" onClick={reset}>
            {key === 'pgpass' ? 'Use the default' : 'Find automatically'}
          </button>
        )}
      </div>
    </div>
  );

  return (
    <form className="panel settings" onSubmit={save} aria-labelledby="settings-heading" noValidate>
      {confirmDialog}
      <h2 id="settings-heading">Settings</h2>
      {input(
        'refreshMarginMin',
        'Refresh this many minutes before expiry',
        'Tokens are also refreshed when only 25 % of their lifetime is left.',
        'number',
      )}
      {input('pgpassEnabled', 'Keep tokens in my pgpass file', undefined, 'checkbox')}
      {pathSetting(
        'pgpass',
        'pgpass file',
        s.pgpassPath ?? `${s.effectivePgpassPath} (the default)`,
        () => void choosePgpass(),
        s.pgpassPath ? () => void resetPath({ pgpassPath: null }, 'pgpass file: the default') : null,
      )}
      {input('clipboardClearSec', 'Clear a copied token after (seconds)', undefined, 'number')}
      <div className="field">
        <label htmlFor={`${id}-terminal`}>Terminal for psql</label>
        <select
          id={`${id}-terminal`}
          value={draft.terminal}
          onChange={(e) => setDraft((d) => ({ ...d, terminal: e.target.value }))}
        >
          <option value="">Automatic (this system's usual terminals)</option>
          {s.knownTerminals.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {initialTerminal === FROM_CONFIG && (
            <option value={FROM_CONFIG}>From config.json: {s.terminal.join(', ')}</option>
          )}
        </select>
        <div className="hint">A custom terminal command can only be set in config.json.</div>
      </div>
      {pathSetting(
        'pgadmin',
        'pgAdmin',
        s.pgadminPath ?? 'found automatically',
        () => void choosePgadmin(),
        s.pgadminPath ? () => void resetPath({ pgadminPath: null }, 'pgAdmin: found automatically') : null,
      )}
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
