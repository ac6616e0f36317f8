import { PgentraError } from '../errors.js';

export type LaunchErrorCode =
  | 'psql-missing'
  | 'terminal-missing'
  | 'terminal-failed'
  | 'unsafe-value'
  | 'secret-in-argv'
  | 'pgadmin-missing'
  | 'pgadmin-failed'
  | 'app-location';

/** A launch problem a person can fix: what is wrong, and what to install or configure. */
export class LaunchError extends PgentraError {
  override readonly name = 'LaunchError';
  constructor(
    readonly reason: LaunchErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(reason === 'unsafe-value' ? 'unsafe-value' : 'launch-failed', message);
  }
}
