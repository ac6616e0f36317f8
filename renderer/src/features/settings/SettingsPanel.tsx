import {
  Button,
  Field,
  Input,
  Label,
  makeStyles,
  Select,
  Switch,
  Text,
  tokens,
} from '@fluentui/react-components';
import { FolderOpenRegular, WindowConsoleRegular } from '@fluentui/react-icons';
import { useEffect, useId, useState } from 'react';
import {
  settingsPatchSchema,
  type AppSnapshot,
  type SettingsPatch,
} from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import type { KnownTerminal } from '../../../../electron/shared/terminals';
import { useConfirm } from '../../components/ConfirmDialog';
import { useLayoutStyles, type OnNotice } from '../../theme/layout';

/** The terminal select's value when config.json holds what the window cannot (a custom command, a list). */
const FROM_CONFIG = 'from-config';

const TEXT_FIELDS = ['refreshMarginMin', 'clipboardClearSec', 'clientId', 'tenant'] as const;

/** The names the form shows, for messages about a field. */
const FIELD_LABELS: Record<string, string> = {
  refreshMarginSec: 'Refresh this many minutes before expiry',
  clipboardClearSec: 'Clear a copied token after (seconds)',
  terminal: 'Terminal for psql',
  clientId: 'Client ID',
  tenant: 'Tenant',
};

const useStyles = makeStyles({
  group: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingVerticalL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
  },
  groupTitle: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  // Sized for what they hold: "15", "30"; a GUID.
  number: { width: '9em' },
  wide: { width: '26em', maxWidth: '100%' },
  select: { minWidth: '18em' },
  path: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, alignSelf: 'stretch' },
  pathValue: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  problem: { color: tokens.colorPaletteRedForeground1 },
  footer: { display: 'flex', gap: tokens.spacingHorizontalS },
});

interface Props {
  snapshot: AppSnapshot;
  onNotice: OnNotice;
}

export function SettingsPanel({ snapshot, onNotice }: Props) {
  const styles = { ...useLayoutStyles(), ...useStyles() };
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
  const fieldProblem = firstIssue
    ? `${FIELD_LABELS[String(firstIssue.path[0])] ?? String(firstIssue.path[0] ?? '')}: ${firstIssue.message}`
    : null;
  // A text field shows its own problem; anything else (the terminal list) shows above Save.
  const shownAtField = (TEXT_FIELDS as readonly string[]).includes(invalidField ?? '');
  const formProblem = problem ?? (shownAtField ? null : fieldProblem);

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
    // The problem already shows under its field: take the person there.
    if (!parsed.success) {
      const field =
        event.currentTarget instanceof HTMLFormElement && invalidField
          ? event.currentTarget.elements.namedItem(invalidField)
          : null;
      if (field instanceof HTMLElement) field.focus();
      return;
    }
    try {
      await call(getApi().updateSettings(parsed.data));
      onNotice('Settings saved.');
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  type TextKey = (typeof TEXT_FIELDS)[number];
  type FlagKey = 'pgpassEnabled' | 'startAtLogin';
  const text = (
    key: TextKey,
    label: string,
    options: { hint?: string; unit?: string; wide?: boolean } = {},
  ) => (
    <Field
      label={label}
      validationState={invalidField === key ? 'error' : 'none'}
      // The whole sentence, field name first: it is also what a screen reader hears on the field.
      validationMessage={invalidField === key ? fieldProblem : undefined}
      hint={invalidField === key ? undefined : options.hint}
    >
      <Input
        name={key}
        className={options.wide ? styles.wide : styles.number}
        type={options.unit ? 'number' : 'text'}
        value={draft[key]}
        contentAfter={options.unit ? <Text size={200}>{options.unit}</Text> : undefined}
        onChange={(_event, data) => setDraft((d) => ({ ...d, [key]: data.value }))}
      />
    </Field>
  );
  const flag = (key: FlagKey, label: string) => (
    <Switch
      label={label}
      checked={draft[key]}
      onChange={(_event, data) => setDraft((d) => ({ ...d, [key]: data.checked }))}
    />
  );

  const pathSetting = (
    key: string,
    label: string,
    value: string,
    choose: () => void,
    reset: (() => void) | null,
  ) => (
    <div className={styles.path} role="group" aria-labelledby={`${id}-${key}-label`}>
      <Label id={`${id}-${key}-label`}>{label}</Label>
      <Text className={styles.pathValue} data-testid={`${key}-value`}>
        {value}
      </Text>
      <div className={styles.actions}>
        <Button size="small" icon={<FolderOpenRegular />} onClick={choose}>
          Choose…
        </Button>
        {reset && (
          <Button size="small" onClick={reset}>
            {key === 'pgpass' ? 'Use the default' : 'Find automatically'}
          </Button>
        )}
      </div>
    </div>
  );
  const group = (key: string, title: string, intro: string | null, children: React.ReactNode) => (
    <section className={styles.group} aria-labelledby={`${id}-${key}-group`}>
      <h3 className={styles.groupTitle} id={`${id}-${key}-group`}>
        {title}
      </h3>
      {intro && <Text className={styles.muted}>{intro}</Text>}
      {children}
    </section>
  );

  return (
    <form className={styles.page} onSubmit={save} aria-labelledby="settings-heading" noValidate>
      {confirmDialog}
      <h2 id="settings-heading" className={styles.pageHeading}>
        Settings
      </h2>
      {group(
        'general',
        'General',
        null,
        <>
          {text('refreshMarginMin', 'Refresh this many minutes before expiry', {
            hint: 'Tokens are also refreshed when only 25 % of their lifetime is left.',
            unit: 'min',
          })}
          {text('clipboardClearSec', 'Clear a copied token after (seconds)', { unit: 's' })}
          {flag('startAtLogin', 'Start pgentra when I log in')}
        </>,
      )}
      {group(
        'pgpass',
        'pgpass',
        'psql, pgAdmin and other libpq programs read the token from this file without asking.',
        <>
          {flag('pgpassEnabled', 'Keep tokens in my pgpass file')}
          {pathSetting(
            'pgpass',
            'pgpass file',
            s.pgpassPath ?? `${s.effectivePgpassPath} (the default)`,
            () => void choosePgpass(),
            s.pgpassPath ? () => void resetPath({ pgpassPath: null }, 'pgpass file: the default') : null,
          )}
        </>,
      )}
      {group(
        'clients',
        'Clients',
        null,
        <>
          <Field label="Terminal for psql" hint="A custom terminal command can only be set in config.json.">
            <Select
              className={styles.select}
              value={draft.terminal}
              onChange={(_event, data) => setDraft((d) => ({ ...d, terminal: data.value }))}
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
            </Select>
          </Field>
          {pathSetting(
            'pgadmin',
            'pgAdmin',
            s.pgadminPath ?? 'found automatically',
            () => void choosePgadmin(),
            s.pgadminPath
              ? () => void resetPath({ pgadminPath: null }, 'pgAdmin: found automatically')
              : null,
          )}
          <div className={styles.actions}>
            <Button icon={<WindowConsoleRegular />} onClick={() => void installCli()}>
              Install the pgentra command
            </Button>
          </div>
        </>,
      )}
      {group(
        'sign-in',
        'Advanced sign-in',
        'Leave these as they are unless your organisation gives pgentra its own app registration.',
        <>
          {text('clientId', 'Client ID', {
            hint: "Your organisation's app registration (see the README), or the Azure CLI's.",
            wide: true,
          })}
          {text('tenant', 'Tenant', { hint: '"organizations", a tenant ID or a domain', wide: true })}
        </>,
      )}
      {formProblem && (
        <Text className={styles.problem} role="alert">
          {formProblem}
        </Text>
      )}
      <div className={styles.footer}>
        <Button type="submit" appearance="primary">
          Save settings
        </Button>
      </div>
    </form>
  );
}
