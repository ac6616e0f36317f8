// The Notifier port over Electron's Notification. A notification's action (a button on macOS; a
// click on the body everywhere) calls back with the action id the core chose ('sign-in',
// 'refresh-all'), or OPEN_WINDOW for a notice without one, and compose.ts decides what that does.
//
// Electron drops the handlers of a notification that was garbage-collected, so each one is held
// until it is done with; but `close` "is not guaranteed to be emitted in all cases" (docs/api/
// notification.md), so holding on until then alone kept every notice for the app's lifetime.
// Done means: acted on, closed, failed, older than NOTIFICATION_LIFETIME_MS, or pushed out by
// MAX_LIVE_NOTIFICATIONS newer ones.
import type { NotificationConstructorOptions } from 'electron';
import type { Cancel, Clock, Notifier } from '../../core/ports.js';

/** The part of an Electron Notification we use. */
export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
  on(event: 'failed', listener: (event: unknown, error: string) => void): unknown;
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
}

/** What a click on a notice without an action of its own does: show the window. */
export const OPEN_WINDOW = 'open-window';
/** How many notices keep their click handlers at once (the oldest is let go first). */
export const MAX_LIVE_NOTIFICATIONS = 10;
/** A notice clicked after this long in the notification centre does nothing. */
export const NOTIFICATION_LIFETIME_MS = 60 * 60_000;

export interface NotifierDeps {
  isSupported(): boolean;
  /** For testing: `new Notification(options)` in the app. */
  create(options: NotificationConstructorOptions): NotificationLike;
  onAction(actionId: string): void;
  clock: Pick<Clock, 'setTimeout'>;
  log(message: string): void;
}

export interface ElectronNotifier extends Notifier {
  /** How many notifications are held for their handlers (for tests). */
  readonly liveCount: number;
}

export function createElectronNotifier(deps: NotifierDeps): ElectronNotifier {
  const live = new Map<NotificationLike, Cancel>();
  const forget = (notification: NotificationLike) => {
    live.get(notification)?.();
    live.delete(notification);
  };
  return {
    get liveCount() {
      return live.size;
    },
    notify(notice) {
      if (!deps.isSupported()) {
        deps.log(`notice: ${notice.title}: ${notice.body}`);
        return;
      }
      const notification = deps.create({
        title: notice.title,
        body: notice.body,
        silent: false,
        actions: notice.action ? [{ type: 'button', text: notice.action.label }] : [],
      });
      const act = () => {
        forget(notification);
        deps.onAction(notice.action?.id ?? OPEN_WINDOW);
      };
      notification.on('click', act);
      notification.on('action', act);
      notification.on('close', () => forget(notification));
      // An unsigned macOS build fails every notification (UNUserNotificationCenter refuses it):
      // say so, with the text the user did not see.
      notification.on('failed', (_event, error) => {
        forget(notification);
        deps.log(`notification failed (${error}): ${notice.title}: ${notice.body}`);
      });
      const oldest = live.size >= MAX_LIVE_NOTIFICATIONS ? live.keys().next() : undefined;
      if (oldest && !oldest.done) forget(oldest.value);
      live.set(
        notification,
        deps.clock.setTimeout(() => forget(notification), NOTIFICATION_LIFETIME_MS),
      );
      notification.show();
    },
  };
}
