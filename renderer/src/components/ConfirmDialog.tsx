// In-app confirmation (window.confirm is a browser box a screen reader announces poorly, and it
// cannot say which button is the safe one). A modal alertdialog: focus starts on Cancel, Tab stays
// inside, Escape cancels, and focus goes back to the control that asked.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  /** The action cannot be undone: the confirm button is styled as dangerous. */
  danger?: boolean;
}

type Open = ConfirmRequest & { resolve: (yes: boolean) => void; opener: Element | null };

/** A dialog to render somewhere in the component, and `confirm()`, which resolves with the answer. */
export function useConfirm(): [ReactNode, (request: ConfirmRequest) => Promise<boolean>] {
  const [open, setOpen] = useState<Open | null>(null);
  const confirm = useCallback(
    (request: ConfirmRequest) =>
      new Promise<boolean>((resolve) => setOpen({ ...request, resolve, opener: document.activeElement })),
    [],
  );
  const close = (yes: boolean) => {
    if (!open) return;
    setOpen(null);
    if (open.opener instanceof HTMLElement && open.opener.isConnected) open.opener.focus();
    open.resolve(yes);
  };
  return [open ? <ConfirmDialog {...open} onClose={close} /> : null, confirm];
}

function ConfirmDialog(props: ConfirmRequest & { onClose: (yes: boolean) => void }) {
  const { title, body, confirmLabel, danger, onClose } = props;
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // showModal makes the rest of the page inert (no clicks, no reading past the dialog).
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
    cancel.current?.focus();
  }, []);
  // Closed before the answer goes out: while the modal is open the page is inert, and focus could
  // not go back to the control that asked.
  const finish = (yes: boolean) => {
    dialog.current?.close();
    onClose(yes);
  };
  const keepTabInside = (event: React.KeyboardEvent) => {
    if (event.key !== 'Tab' || !dialog.current) return;
    const buttons = [...dialog.current.querySelectorAll('button')];
    const first = buttons[0];
    const last = buttons.at(-1);
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  };
  return (
    <dialog
      ref={dialog}
      className="confirm"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(event) => {
        event.preventDefault();
        finish(false);
      }}
      onKeyDown={keepTabInside}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <p id={`${id}-body`}>{body}</p>
      <div className="actions">
        <button type="button" ref={cancel} onClick={() => finish(false)}>
          Cancel
        </button>
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => finish(true)}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
