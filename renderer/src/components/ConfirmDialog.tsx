// In-app confirmation (window.confirm is a browser box a screen reader announces poorly, and it
// cannot say which button is the safe one). Fluent's alert dialog: modal, Tab stays inside, Escape
// cancels; focus starts on Cancel and goes back to the control that asked.
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { focusAfterDialog } from './focus-after-dialog';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  /** The action cannot be undone: the confirm button is styled as dangerous. */
  danger?: boolean;
  /**
   * Where focus goes back to when the control that asked is gone by then (a menu item: its menu
   * closed); by default the control that asked.
   */
  returnFocusTo?: HTMLElement | null;
}

type Open = ConfirmRequest & { resolve: (yes: boolean) => void; opener: Element | null };

const useStyles = makeStyles({
  danger: {
    backgroundColor: tokens.colorStatusDangerBackground3,
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': {
      backgroundColor: tokens.colorStatusDangerBackground3Hover,
      color: tokens.colorNeutralForegroundOnBrand,
    },
    ':hover:active': {
      backgroundColor: tokens.colorStatusDangerBackground3Pressed,
      color: tokens.colorNeutralForegroundOnBrand,
    },
  },
});

/** A dialog to render somewhere in the component, and `confirm()`, which resolves with the answer. */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => Promise<boolean>] {
  const [open, setOpen] = useState<Open | null>(null);
  const confirm = useCallback(
    (request: ConfirmRequest) =>
      new Promise<boolean>((resolve) =>
        setOpen({ ...request, resolve, opener: request.returnFocusTo ?? document.activeElement }),
      ),
    [],
  );
  const close = (yes: boolean) => {
    if (!open) return;
    setOpen(null);
    open.resolve(yes);
    const { opener } = open;
    focusAfterDialog(() => (opener instanceof HTMLElement ? opener : null));
  };
  return [open ? <ConfirmDialog {...open} onClose={close} /> : null, confirm];
}

function ConfirmDialog(props: ConfirmRequest & { onClose: (yes: boolean) => void }) {
  const { title, body, confirmLabel, danger, onClose } = props;
  const styles = useStyles();
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <Dialog open modalType="alert" onOpenChange={(_event, data) => data.open || onClose(false)}>
      <DialogSurface aria-describedby={`${id}-body`}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent id={`${id}-body`}>{body}</DialogContent>
          <DialogActions>
            <Button ref={cancel} onClick={() => onClose(false)}>
              Cancel
            </Button>
            <Button
              appearance="primary"
              className={danger ? styles.danger : undefined}
              onClick={() => onClose(true)}
            >
              {confirmLabel}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
