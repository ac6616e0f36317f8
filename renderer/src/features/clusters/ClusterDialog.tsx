// Add and Edit open over the list in a modal dialog: the list stays where it was, the form gets
// the person's whole attention, Escape or Cancel leaves without a change.
import { Dialog, DialogSurface, makeStyles } from '@fluentui/react-components';
import type { AppSnapshot, ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { ClusterForm } from './ClusterForm';

/** Closed, adding a new cluster, or editing this one. */
export type ClusterDialogState =
  { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; cluster: ClusterSnapshot };

interface Props {
  state: ClusterDialogState;
  snapshot: AppSnapshot;
  onDone: (message: string, name: string) => void;
  onClose: () => void;
}

const useStyles = makeStyles({ surface: { maxWidth: '640px' } });

export function ClusterDialog({ state, snapshot, onDone, onClose }: Props) {
  const styles = useStyles();
  return (
    <Dialog open={state.mode !== 'closed'} onOpenChange={(_event, data) => data.open || onClose()}>
      <DialogSurface className={styles.surface}>
        {state.mode !== 'closed' && (
          <ClusterForm
            snapshot={snapshot}
            editing={state.mode === 'edit' ? state.cluster : null}
            onDone={onDone}
            onCancel={onClose}
          />
        )}
      </DialogSurface>
    </Dialog>
  );
}
