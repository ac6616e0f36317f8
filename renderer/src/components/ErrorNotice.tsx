// How the window shows a problem: what happened and what to do, in a person's words, an action
// when there is one (Sign in), and the raw text (Entra's AADSTS message, trace and correlation
// IDs) only behind "Details", for a support ticket. Kept small: a new field (advice or details
// from an IPC error) is one more prop.
import type { ReactNode } from 'react';

interface Props {
  summary: string;
  advice?: string;
  /** The raw text, folded away. */
  details?: string;
  action?: ReactNode;
  testId?: string;
}

export function ErrorNotice({ summary, advice, details, action, testId }: Props) {
  return (
    <div className="error-notice" role="alert" data-testid={testId}>
      <p className="summary">{summary}</p>
      {advice ? <p>{advice}</p> : null}
      {action}
      {details ? (
        <details>
          <summary>Details</summary>
          <pre>{details}</pre>
        </details>
      ) : null}
    </div>
  );
}
