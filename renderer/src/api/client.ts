// The renderer's only way out: the typed API the preload exposes (or the preview host's mirror).
import type { PgentraApi, Result } from '../../../electron/shared/ipc-contract';

declare global {
  interface Window {
    pgentra?: PgentraApi;
  }
}

export function getApi(): PgentraApi {
  if (!window.pgentra)
    throw new Error(
      'pgentra API unavailable: this page must be opened by the pgentra app or its preview host',
    );
  return window.pgentra;
}

/** Unwraps a Result for UI code that shows the message on failure. */
export async function call<T>(work: Promise<Result<T>>): Promise<T> {
  const result = await work;
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
