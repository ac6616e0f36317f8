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

/** A failed call: its code (for UI that words the failure itself), its message with the advice, and the details shown behind "Details". */
export class CallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly string[],
  ) {
    super(message);
  }
}

/** Unwraps a Result for UI code that shows the message on failure. */
export async function call<T>(work: Promise<Result<T>>): Promise<T> {
  const result = await work;
  if (!result.ok)
    throw new CallError(
      result.code,
      result.advice ? `${result.message} ${result.advice}` : result.message,
      result.details ?? [],
    );
  return result.value;
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
export const detailsOf = (error: unknown): readonly string[] =>
  error instanceof CallError ? error.details : [];
