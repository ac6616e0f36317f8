import { useEffect, useState } from 'react';

/**
 * Wall-clock time that ticks once a second while the window is visible, and not at all when
 * hidden: no per-second timers when nobody is looking. `offset` corrects for the main process
 * clock (token expiry is judged there).
 */
export function useNow(offsetMs: number): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    let timer: number | undefined;
    const tick = () => setNow(Date.now() + offsetMs);
    const start = () => {
      tick();
      if (timer === undefined) timer = window.setInterval(tick, 1000);
    };
    const stop = () => {
      window.clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => (document.visibilityState === 'visible' ? start() : stop());
    onVisibility();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [offsetMs]);
  return now;
}
