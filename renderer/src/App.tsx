import {
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Tab,
  TabList,
  Text,
  tokens,
} from '@fluentui/react-components';
import { DatabaseRegular, PersonRegular, SettingsRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState } from 'react';
import type { AppSnapshot, WindowView } from '../../electron/shared/ipc-contract';
import { call, getApi } from './api/client';
import { Notices, type Notice } from './components/Notices';
import { AccountsPanel } from './features/accounts/AccountsPanel';
import { ClustersView } from './features/clusters/ClustersView';
import { SettingsPanel } from './features/settings/SettingsPanel';

type Tab = WindowView;

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateColumns: '184px 1fr',
    height: '100%',
    backgroundColor: tokens.colorNeutralBackground2,
  },
  rail: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalS}`,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground3,
  },
  brand: {
    margin: 0,
    padding: `0 ${tokens.spacingHorizontalM}`,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
  content: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingVerticalXL,
    overflowY: 'auto',
    minWidth: 0,
  },
  panel: { flex: 1, minHeight: 0 },
  count: { color: tokens.colorNeutralForeground3 },
  center: { padding: tokens.spacingVerticalXXL },
});

const VIEWS: [Tab, string, React.ReactElement][] = [
  ['clusters', 'Clusters', <DatabaseRegular key="c" />],
  ['accounts', 'Accounts', <PersonRegular key="a" />],
  ['settings', 'Settings', <SettingsRegular key="s" />],
];

export function App() {
  const styles = useStyles();
  const [snapshot, setSnapshot] = useState<AppSnapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('clusters');
  const [notice, setNotice] = useState<Notice | null>(null);

  useEffect(() => {
    const api = getApi();
    const offSnapshot = api.onSnapshot(setSnapshot);
    // The tray's "Settings…" and "Open pgentra…" say which part to show.
    const offShowView = api.onShowView(setTab);
    call(api.snapshot()).then(setSnapshot, (error: unknown) =>
      setLoadError(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      offSnapshot();
      offShowView();
    };
  }, []);

  const onNotice = useCallback(
    (message: string, isError = false, details: readonly string[] = []) =>
      setNotice({ message, isError, details, at: Date.now() }),
    [],
  );
  const dismiss = useCallback(() => setNotice(null), []);

  if (loadError)
    return (
      <main className={styles.center}>
        <MessageBar intent="error" role="alert">
          <MessageBarBody>{loadError}</MessageBarBody>
        </MessageBar>
      </main>
    );
  if (!snapshot)
    return (
      <main className={styles.center}>
        <Spinner label="Loading…" />
      </main>
    );

  const panel = (id: Tab) => ({
    role: 'tabpanel',
    id: `panel-${id}`,
    'aria-labelledby': `tab-${id}`,
    hidden: tab !== id,
    className: styles.panel,
  });
  return (
    <div className={styles.shell}>
      <nav className={styles.rail} aria-label="pgentra">
        <h1 className={styles.brand}>pgentra</h1>
        {/* WAI-ARIA tabs, vertical: one tab stop; the arrow keys, Home and End move between
            tabs and show each at once. */}
        <TabList
          vertical
          selectTabOnFocus
          selectedValue={tab}
          onTabSelect={(_event, data) => setTab(data.value as Tab)}
          aria-label="Sections"
        >
          {VIEWS.map(([id, label, icon]) => (
            <Tab key={id} id={`tab-${id}`} value={id} icon={icon} aria-controls={`panel-${id}`}>
              {label}
              {id === 'clusters' && <Text className={styles.count}> ({snapshot.clusters.length})</Text>}
            </Tab>
          ))}
        </TabList>
      </nav>
      <main className={styles.content}>
        {snapshot.warnings.map((warning) => (
          <MessageBar key={warning} intent="warning" role="alert">
            <MessageBarBody>{warning}</MessageBarBody>
          </MessageBar>
        ))}
        <div {...panel('clusters')}>
          {tab === 'clusters' && (
            <ClustersView snapshot={snapshot} onShowAccounts={() => setTab('accounts')} onNotice={onNotice} />
          )}
        </div>
        {/* Always mounted: a device-code sign-in in progress (its code, its finish event) survives
            a look at another tab. */}
        <div {...panel('accounts')}>
          <AccountsPanel snapshot={snapshot} onNotice={onNotice} />
        </div>
        <div {...panel('settings')}>
          {tab === 'settings' && (
            // Re-created when a setting the form edits changes elsewhere; not for the paths the
            // pickers set, so focus stays on the button that opened the picker.
            <SettingsPanel key={formSettingsKey(snapshot)} snapshot={snapshot} onNotice={onNotice} />
          )}
        </div>
      </main>
      <Notices notice={notice} onDismiss={dismiss} />
    </div>
  );
}

function formSettingsKey(snapshot: AppSnapshot): string {
  const { pgpassPath: _p, pgadminPath: _a, effectivePgpassPath: _e, ...edited } = snapshot.settings;
  return JSON.stringify(edited);
}
