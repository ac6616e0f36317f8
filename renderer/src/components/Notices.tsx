// What the last action did, as a toast in the corner: one polite live region that is always there
// (a screen reader hears each new message), a success that goes by itself after a while, and a
// problem that stays until closed, with the raw text behind "Details".
import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import { useEffect } from 'react';

export interface Notice {
  message: string;
  isError: boolean;
  details: readonly string[];
  /** Tells apart two notices with the same text (each starts its own timer). */
  at: number;
}

/** Long enough to read a two-line message twice. */
const SUCCESS_SHOWN_MS = 8000;

const useStyles = makeStyles({
  region: {
    position: 'fixed',
    right: tokens.spacingHorizontalL,
    bottom: tokens.spacingVerticalL,
    maxWidth: '440px',
    zIndex: 10,
  },
  toast: { boxShadow: tokens.shadow16 },
  details: { marginTop: tokens.spacingVerticalXS },
  pre: { whiteSpace: 'pre-wrap', fontSize: tokens.fontSizeBase200, margin: 0 },
});

export function Notices({ notice, onDismiss }: { notice: Notice | null; onDismiss: () => void }) {
  const styles = useStyles();
  useEffect(() => {
    if (!notice || notice.isError) return;
    const timer = window.setTimeout(onDismiss, SUCCESS_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [notice, onDismiss]);
  return (
    <div className={styles.region} role="status" aria-live="polite">
      {notice && (
        <MessageBar
          className={styles.toast}
          intent={notice.isError ? 'error' : 'success'}
          layout="multiline"
          data-testid="toast"
        >
          <MessageBarBody>
            {notice.message}
            {notice.details.length > 0 && (
              <details className={styles.details}>
                <summary>Details</summary>
                <pre className={styles.pre}>{notice.details.join('\n')}</pre>
              </details>
            )}
          </MessageBarBody>
          <MessageBarActions
            containerAction={
              <Button
                appearance="transparent"
                aria-label="Close the message"
                icon={<DismissRegular />}
                onClick={onDismiss}
              />
            }
          />
        </MessageBar>
      )}
    </div>
  );
}
