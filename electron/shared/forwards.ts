// What the tray and the window may know about forwards (`pgentra ssh`, WSL): who is connected and
// what they fetched. Never a token.

export type ForwardOutcome = 'ok' | 'refused' | 'rate-limited' | 'failed';

export interface ForwardRequestRecord {
  /** Wall-clock ms. */
  at: number;
  op: 'token' | 'clusters';
  /** The cluster asked for (null for the cluster list, or a host/port/user matching none). */
  cluster: string | null;
  outcome: ForwardOutcome;
}

export interface ForwardSnapshot {
  id: string;
  /** The host label `pgentra ssh` gave (the ssh destination) or `wsl`. */
  label: string;
  openedAt: number;
  /** The clusters allowed through it. */
  clusters: string[];
  /** Tokens handed out, per cluster. */
  fetched: { cluster: string; count: number; lastAt: number }[];
  refused: number;
  rateLimited: number;
  failed: number;
  /** The latest requests, newest last. */
  recent: ForwardRequestRecord[];
}
