// The Notifier port over Electron's Notification. A notification's action (a button on macOS; a
// click on the body everywhere) calls back with the action id the core chose ('sign-in',
// 'refresh-all'), and compose.ts decides what that does.
import type { NotificationConstructorOptions } from 'electron';
import type { Notifier } from '../../core/ports.js';

/** The part of an Electron Notification we use. */
export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  on(event: 'action', listener: (event: unknown, index: number) => void): unknown;
}

export interface NotifierDeps {
  isSupported(): boolean;
  /** For testing: `new Notification(options)` in the app. */
  create(options: NotificationConstructorOptions): NotificationLike;
  onAction(actionId: string): void;
  log(message: string): void;
}

export function createElectronNotifier(deps: NotifierDeps): Notifier {
  // Electron drops the click handlers of a notification that was garbage-collected; hold on to
  // each one until it closes.
  const live = new Set<NotificationLike>();
  return {
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
        if (notice.action) deps.onAction(notice.action.id);
      };
      notification.on('click', act);
      notification.on('action', act);
      notification.on('close', () => live.delete(notification));
      notification.on('failed', () => live.delete(notification));
      live.add(notification);
      notification.show();
    },
  };
}
