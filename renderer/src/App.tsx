import { useCallback, useEffect, useState } from 'react';
import type { AppSnapshot, ClusterSnapshot, WindowView } from '../../electron/shared/ipc-contract';
import { call, getApi } from './api/client';
import { AccountsPanel } from './features/accounts/AccountsPanel';
import { ClusterForm } from './features/clusters/ClusterForm';
import { ClusterList } from './features/clusters/ClusterList';
import { SettingsPanel } from './features/settings/SettingsPanel';

type Tab = WindowView;

export function App() {
  const [snapshot, setSnapshot] = useState<AppSnapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('clusters');
  const [editing, setEditing] = useState<ClusterSnapshot | null>(null);
  const [notice, setNotice] = useState<{
    message: string;
    isError: boolean;
    details: readonly string[];
  } | null>(null);

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
      setNotice({ message, isError, details }),
    [],
  );

  if (loadError)
    return (
      <main className="app">
        <p role="alert" className="problem">
          {loadError}
        </p>
      </main>
    );
  if (!snapshot)
    return (
      <main className="app">
        <p>Loading…</p>
      </main>
    );

  const tabs: [Tab, string][] = [
    ['clusters', `Clusters (${snapshot.clusters.length})`],
    ['accounts', 'Accounts'],
    ['settings', 'Settings'],
  ];
  // WAI-ARIA tabs: one tab stop; arrows, Home and End move between tabs and show each at once.
  const onTabKey = (event: React.KeyboardEvent) => {
    const index = tabs.findIndex(([id]) => id === tab);
    const last = tabs.length - 1;
    const next = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }[event.key];
    const target = next === undefined ? undefined : tabs[next]?.[0];
    if (!target) return;
    event.preventDefault();
    setTab(target);
    document.getElementById(`tab-${target}`)?.focus();
  };
  const panel = (id: Tab) => ({
    role: 'tabpanel',
    id: `panel-${id}`,
    'aria-labelledby': `tab-${id}`,
    hidden: tab !== id,
  });
  return (
    <main className="app">
      <header>
        <h1>pgentra</h1>
        <div role="tablist" aria-label="Sections" onKeyDown={onTabKey}>
          {tabs.map(([id, label]) => (
            <button
              key={id}
              id={`tab-${id}`}
              role="tab"
              aria-selected={tab === id}
              aria-controls={`panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              className={tab === id ? 'selected' : ''}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
      </header>
      {snapshot.warnings.map((warning) => (
        <p key={warning} className="warning" role="alert">
          {warning}
        </p>
      ))}
      <div className="notice" role="status" aria-live="polite">
        {notice && <span className={notice.isError ? 'problem' : ''}>{notice.message}</span>}
        {notice && notice.details.length > 0 && (
          <details className="error-details">
            <summary>Details</summary>
            <pre>{notice.details.join('\n')}</pre>
          </details>
        )}
      </div>
      <div {...panel('clusters')}>
        {tab === 'clusters' && (
          <>
            {snapshot.accounts.length === 0 && (
              <p className="warning">
                Not signed in. <button onClick={() => setTab('accounts')}>Sign in</button>
              </p>
            )}
            <ClusterList snapshot={snapshot} onEdit={setEditing} onNotice={onNotice} />
            <ClusterForm
              snapshot={snapshot}
              editing={editing}
              onDone={(message) => {
                setEditing(null);
                onNotice(message);
              }}
              onCancel={() => setEditing(null)}
            />
          </>
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
  );
}

function formSettingsKey(snapshot: AppSnapshot): string {
  const { pgpassPath: _p, pgadminPath: _a, effectivePgpassPath: _e, ...edited } = snapshot.settings;
  return JSON.stringify(edited);
}
