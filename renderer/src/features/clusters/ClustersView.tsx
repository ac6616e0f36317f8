// The Clusters section: list on the left, the selected cluster on the right; the first-run guide
// instead while there is nothing to list; Add and Edit in a dialog over both.
import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, CloudArrowDownRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import type { AppSnapshot } from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';
import { focusAfterDialog } from '../../components/focus-after-dialog';
import { useNow } from '../../components/useNow';
import type { OnNotice } from '../../theme/layout';
import { AddFromAzureContext, type AddFromAzure } from './add-from-azure';
import { AddFromAzureDialog } from './AddFromAzureDialog';
import { ClusterDetail } from './ClusterDetail';
import { ClusterDialog, type ClusterDialogState } from './ClusterDialog';
import { ClusterListPane } from './ClusterListPane';
import { FirstRun } from './FirstRun';

interface Props {
  snapshot: AppSnapshot;
  onShowAccounts: () => void;
  onNotice: OnNotice;
}

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    height: '100%',
    minHeight: 0,
  },
  split: {
    display: 'grid',
    gridTemplateColumns: 'minmax(200px, 260px) 1fr',
    gap: tokens.spacingHorizontalL,
    minHeight: 0,
    flex: 1,
  },
  listPane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    overflowY: 'auto',
  },
  listHead: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  heading: {
    margin: 0,
    marginRight: 'auto',
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
  },
  detailPane: {
    padding: tokens.spacingVerticalXL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow4,
    overflowY: 'auto',
    minHeight: 0,
  },
  problems: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
});

/** Entries of config.json pgentra set aside as invalid: kept in the file, shown until fixed. */
function ConfigProblems({ snapshot, onNotice }: Pick<Props, 'snapshot' | 'onNotice'>) {
  const styles = useStyles();
  const [confirmDialog, confirm] = useConfirm();
  if (snapshot.configProblems.length === 0) return null;
  const remove = async (name: string) => {
    const yes = await confirm({
      title: `Remove ${name}?`,
      body: `The entry for ${name} in config.json is invalid; pgentra takes it out of the file.`,
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!yes) return;
    call(getApi().removeCluster(name)).then(
      () => onNotice(`Removed ${name}.`),
      (error: unknown) => onNotice(errorText(error), true, detailsOf(error)),
    );
  };
  return (
    <ul className={styles.problems} aria-label="Invalid entries in config.json">
      {confirmDialog}
      {snapshot.configProblems.map((problem) => (
        <li key={problem.entry}>
          <MessageBar intent="warning" layout="multiline" role="alert">
            <MessageBarBody>{problem.text}</MessageBarBody>
            {problem.clusterName !== null && (
              <MessageBarActions>
                <Button onClick={() => void remove(problem.clusterName ?? '')}>Remove</Button>
              </MessageBarActions>
            )}
          </MessageBar>
        </li>
      ))}
    </ul>
  );
}

export function ClustersView({ snapshot, onShowAccounts, onNotice }: Props) {
  const styles = useStyles();
  // The main process's clock minus ours, measured once per snapshot (as it arrives). Computed on
  // every render instead, it cancelled the passing time: the countdown stood still.
  const offsetMs = useMemo(() => snapshot.now - Date.now(), [snapshot.now]);
  const now = useNow(offsetMs);
  const [chosen, setChosen] = useState<string | null>(null);
  const [dialog, setDialog] = useState<ClusterDialogState>({ mode: 'closed' });
  const [azureOpen, setAzureOpen] = useState(false);
  const fromAzure = useMemo<AddFromAzure>(
    () => ({ label: 'Add from Azure', start: () => setAzureOpen(true) }),
    [],
  );
  const { clusters } = snapshot;
  const selected = clusters.find((cluster) => cluster.name === chosen) ?? clusters[0] ?? null;
  const add = () => setDialog({ mode: 'add' });

  const dialogs = (
    <>
      <AddFromAzureDialog
        open={azureOpen}
        clusters={clusters}
        onClose={() => setAzureOpen(false)}
        onNotice={onNotice}
        onAdded={(names) => {
          setAzureOpen(false);
          const first = names[0];
          if (!first) return;
          setChosen(first);
          focusAfterDialog(() => document.getElementById(`cluster-item-${first}`));
        }}
      />
      <ClusterDialog
        state={dialog}
        snapshot={snapshot}
        onClose={() => setDialog({ mode: 'closed' })}
        onDone={(message, name) => {
          setDialog({ mode: 'closed' });
          setChosen(name);
          onNotice(message);
          // Focus on the cluster just saved, in the list: the button that opened the dialog may be
          // gone (the first-run guide makes way for the list).
          focusAfterDialog(() => document.getElementById(`cluster-item-${name}`));
        }}
      />
    </>
  );

  return (
    <AddFromAzureContext.Provider value={fromAzure}>
      <div className={styles.root}>
        <ConfigProblems snapshot={snapshot} onNotice={onNotice} />
        {snapshot.accounts.length === 0 && clusters.length > 0 && (
          <MessageBar intent="warning">
            <MessageBarBody>
              Not signed in. pgentra cannot refresh these tokens until you sign in.
            </MessageBarBody>
            <MessageBarActions>
              <Button onClick={onShowAccounts}>Sign in</Button>
            </MessageBarActions>
          </MessageBar>
        )}
        {clusters.length === 0 ? (
          <FirstRun snapshot={snapshot} onAdd={add} onShowAccounts={onShowAccounts} onNotice={onNotice} />
        ) : (
          <div className={styles.split}>
            <section className={styles.listPane} aria-labelledby="clusters-heading">
              <div className={styles.listHead}>
                <h2 id="clusters-heading" className={styles.heading}>
                  Clusters
                </h2>
                <Button size="small" icon={<CloudArrowDownRegular />} onClick={fromAzure.start}>
                  {fromAzure.label}
                </Button>
                <Button size="small" appearance="primary" icon={<AddRegular />} onClick={add}>
                  Add a cluster
                </Button>
              </div>
              <ClusterListPane
                clusters={clusters}
                selected={selected?.name ?? null}
                now={now}
                onSelect={setChosen}
              />
            </section>
            <div
              className={styles.detailPane}
              data-testid={selected ? `cluster-${selected.name}` : undefined}
            >
              {selected && (
                <ClusterDetail
                  key={selected.name}
                  cluster={selected}
                  now={now}
                  onEdit={() => setDialog({ mode: 'edit', cluster: selected })}
                  onNotice={onNotice}
                />
              )}
            </div>
          </div>
        )}
        {dialogs}
      </div>
    </AddFromAzureContext.Provider>
  );
}
