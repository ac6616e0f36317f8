// "Add from Azure": the servers the signed-in account can see in its subscriptions, found through
// Azure Resource Manager by the main process (the window never sees a token), with a search and a
// checkbox per server; the chosen ones are added as clusters one by one, and a server that could
// not be added says why on its own row while the others go through.
import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  SearchBox,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  AzureDiscoverySnapshot,
  AzureServerSnapshot,
  ClusterSnapshot,
} from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { OnNotice } from '../../theme/layout';
import {
  accessText,
  addedSummary,
  kindText,
  matchingServers,
  stateText,
} from '../../../../electron/shared/azure-server-text';

interface Props {
  open: boolean;
  clusters: readonly ClusterSnapshot[];
  onClose: () => void;
  /** Every chosen server was added: the dialog closes and the list shows the first of these. */
  onAdded: (names: string[]) => void;
  onNotice: OnNotice;
}

const useStyles = makeStyles({
  surface: { maxWidth: '920px', width: 'calc(100vw - 48px)' },
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  tableWrap: { maxHeight: '48vh', overflowY: 'auto' },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    '& th, & td': {
      textAlign: 'left',
      verticalAlign: 'top',
      padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
      borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    },
    '& th': { fontWeight: tokens.fontWeightSemibold, position: 'sticky', top: 0 },
  },
  headRow: { backgroundColor: tokens.colorNeutralBackground1 },
  check: { width: '40px' },
  name: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  muted: { display: 'block', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  problem: {
    display: 'block',
    color: tokens.colorPaletteDarkOrangeForeground1,
    fontSize: tokens.fontSizeBase200,
  },
  failed: { display: 'block', color: tokens.colorPaletteRedForeground1 },
  added: { display: 'block', color: tokens.colorPaletteGreenForeground1 },
});

type Outcome = { added: string } | { error: string };

export function AddFromAzureDialog({ open, clusters, onClose, onAdded, onNotice }: Props) {
  const styles = useStyles();
  return (
    <Dialog open={open} onOpenChange={(_event, data) => data.open || onClose()}>
      <DialogSurface className={styles.surface} aria-label="Add from Azure">
        {open && <Discovery clusters={clusters} onClose={onClose} onAdded={onAdded} onNotice={onNotice} />}
      </DialogSurface>
    </Dialog>
  );
}

function Discovery({ clusters, onClose, onAdded, onNotice }: Omit<Props, 'open'>) {
  const styles = useStyles();
  const api = getApi();
  const [found, setFound] = useState<AzureDiscoverySnapshot | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [outcomes, setOutcomes] = useState<ReadonlyMap<string, Outcome>>(new Map());
  const [adding, setAdding] = useState<{ done: number; total: number } | null>(null);

  const discover = useCallback(() => {
    setFailure(null);
    setFound(null);
    call(api.discoverAzure({})).then(setFound, setFailure);
  }, [api]);
  useEffect(discover, [discover]);

  const subscriptionName = useCallback(
    (id: string) => found?.subscriptions.find((s) => s.id === id)?.name ?? id,
    [found],
  );
  const shown = useMemo(
    () => (found ? matchingServers(found.servers, query, subscriptionName) : []),
    [found, query, subscriptionName],
  );
  const inList = (server: AzureServerSnapshot) =>
    clusters.find((c) => c.kind === server.kind && c.host.toLowerCase() === server.host.toLowerCase());
  const toggle = (id: string, on: boolean) =>
    setChosen((before) => {
      const next = new Set(before);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const shownChosen = shown.filter((server) => chosen.has(server.id)).length;
  const allShown =
    shown.length > 0 && shownChosen === shown.length ? true : shownChosen > 0 ? 'mixed' : false;

  const add = async () => {
    const picked = (found?.servers ?? []).filter((server) => chosen.has(server.id));
    if (picked.length === 0) return;
    const added: string[] = [];
    const failed: string[] = [];
    const next = new Map(outcomes);
    for (const [index, server] of picked.entries()) {
      setAdding({ done: index, total: picked.length });
      try {
        const cluster = await call(api.addClusterFromAzure({ server: server.id }));
        added.push(cluster.name);
        next.set(server.id, { added: cluster.name });
      } catch (error) {
        failed.push(server.name);
        next.set(server.id, { error: errorText(error) });
      }
    }
    setAdding(null);
    setOutcomes(next);
    setChosen(new Set(picked.filter((server) => 'error' in (next.get(server.id) ?? {})).map((s) => s.id)));
    onNotice(addedSummary(added, failed), added.length === 0);
    if (failed.length === 0) onAdded(added);
  };

  const failedSubscriptions = found?.subscriptions.filter((s) => s.problems.length > 0) ?? [];
  return (
    <DialogBody>
      <DialogTitle>Add from Azure</DialogTitle>
      <DialogContent className={styles.content}>
        {!found && !failure && (
          <div role="status">
            <Spinner size="small" label="Looking for PostgreSQL servers in your Azure subscriptions…" />
          </div>
        )}
        {failure !== null && (
          <ErrorNotice
            testId="azure-discovery-error"
            summary="pgentra could not list your servers in Azure."
            advice={errorText(failure)}
            details={detailsOf(failure).join('\n') || undefined}
            action={<Button onClick={discover}>Try again</Button>}
          />
        )}
        {found && (
          <>
            <Text>
              {found.servers.length === 1 ? '1 server' : `${found.servers.length} servers`} that{' '}
              {found.account} can see in{' '}
              {found.subscriptions.length === 1
                ? '1 subscription'
                : `${found.subscriptions.length} subscriptions`}
              . Choose the ones to add; each signs in as you.
            </Text>
            {failedSubscriptions.length > 0 && (
              <MessageBar intent="warning" layout="multiline" data-testid="azure-failed-subscriptions">
                <MessageBarBody>
                  <MessageBarTitle>
                    Some subscriptions could not be read; their servers are missing.
                  </MessageBarTitle>
                  <ul>
                    {failedSubscriptions.map((s) => (
                      <li key={s.id}>
                        {s.name}: {s.problems.join(' ')}
                      </li>
                    ))}
                  </ul>
                </MessageBarBody>
              </MessageBar>
            )}
            <Field label="Search servers">
              <SearchBox
                value={query}
                placeholder="Name, kind, location, resource group or subscription"
                onChange={(_event, data) => setQuery(data.value)}
              />
            </Field>
            <div className={styles.tableWrap}>
              <table className={styles.table} aria-label="Servers found in Azure" data-testid="azure-servers">
                <thead>
                  <tr className={styles.headRow}>
                    <th className={styles.check}>
                      <Checkbox
                        aria-label="Select every server shown"
                        checked={allShown}
                        disabled={shown.length === 0 || adding !== null}
                        onChange={(_event, data) =>
                          setChosen((before) => {
                            const next = new Set(before);
                            for (const server of shown)
                              if (data.checked === true) next.add(server.id);
                              else next.delete(server.id);
                            return next;
                          })
                        }
                      />
                    </th>
                    <th>Name</th>
                    <th>Kind</th>
                    <th>Location</th>
                    <th>State</th>
                    <th>Access</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((server) => {
                    const outcome = outcomes.get(server.id);
                    const existing = inList(server);
                    return (
                      <tr key={server.id} data-testid={`azure-server-${server.name}`}>
                        <td>
                          <Checkbox
                            aria-label={`Select ${server.name}`}
                            checked={chosen.has(server.id)}
                            disabled={adding !== null || (outcome !== undefined && 'added' in outcome)}
                            onChange={(_event, data) => toggle(server.id, data.checked === true)}
                          />
                        </td>
                        <td>
                          <span className={styles.name}>{server.name}</span>
                          <span className={styles.muted}>
                            {subscriptionName(server.subscriptionId)} · {server.resourceGroup}
                          </span>
                          {existing && !outcome && (
                            <span className={styles.muted}>Already in your list as {existing.name}</span>
                          )}
                          {server.problems.map((problem) => (
                            <span key={problem} className={styles.problem}>
                              {problem}
                            </span>
                          ))}
                          {outcome && 'added' in outcome && (
                            <span className={styles.added}>Added as {outcome.added}</span>
                          )}
                          {outcome && 'error' in outcome && (
                            <span className={styles.failed} role="alert">
                              Not added: {outcome.error}
                            </span>
                          )}
                        </td>
                        <td>{kindText(server)}</td>
                        <td>{server.location}</td>
                        <td>{stateText(server)}</td>
                        <td>{accessText(server)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {shown.length === 0 && (
                <Text className={styles.muted}>
                  {found.servers.length === 0
                    ? 'No PostgreSQL servers in the subscriptions you can see.'
                    : `No server matches "${query}".`}
                </Text>
              )}
            </div>
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{outcomes.size > 0 ? 'Close' : 'Cancel'}</Button>
        <Button
          appearance="primary"
          disabled={chosen.size === 0 || adding !== null}
          icon={adding ? <Spinner size="tiny" /> : undefined}
          onClick={() => void add()}
        >
          {adding
            ? `Adding ${adding.done + 1} of ${adding.total}…`
            : chosen.size <= 1
              ? `Add ${chosen.size === 0 ? 'servers' : '1 server'}`
              : `Add ${chosen.size} servers`}
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
