// How the window shows a problem: what happened and what to do, in a person's words, an action
// when there is one (Sign in), and the raw text (Entra's AADSTS message, trace and correlation
// IDs) only behind "Details", for a support ticket.
import {
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import type { ReactNode } from 'react';

interface Props {
  summary: string;
  advice?: string;
  /** The raw text, folded away. */
  details?: string;
  action?: ReactNode;
  testId?: string;
  /** A warning: something still works (the old token), but a person should know. */
  warning?: boolean;
}

const useStyles = makeStyles({
  advice: { display: 'block', marginTop: tokens.spacingVerticalXXS },
  pre: {
    whiteSpace: 'pre-wrap',
    fontSize: tokens.fontSizeBase200,
    margin: `${tokens.spacingVerticalXS} 0 0`,
  },
});

export function ErrorNotice({ summary, advice, details, action, testId, warning }: Props) {
  const styles = useStyles();
  return (
    <MessageBar intent={warning ? 'warning' : 'error'} layout="multiline" role="alert" data-testid={testId}>
      <MessageBarBody>
        <MessageBarTitle>{summary}</MessageBarTitle>
        {advice ? <span className={styles.advice}>{advice}</span> : null}
        {details ? (
          <details>
            <summary>Details</summary>
            <pre className={styles.pre}>{details}</pre>
          </details>
        ) : null}
      </MessageBarBody>
      {action ? <MessageBarActions>{action}</MessageBarActions> : null}
    </MessageBar>
  );
}
