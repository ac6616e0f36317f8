// The renderer's only way out: the typed API the preload exposes (or the preview host's mirror).
import type { ErrorCode, PgentraApi, Result } from '../../../electron/shared/ipc-contract';

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

/** A failed call: its message, and its code for UI that words the failure itself. */
export class CallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Unwraps a Result for UI code that shows the message on failure. */
export async function call<T>(work: Promise<Result<T>>): Promise<T> {
  const result = await work;
  if (!result.ok) throw new CallError(result.code, result.message);
  return result.value;
}
