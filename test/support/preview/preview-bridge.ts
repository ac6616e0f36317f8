// Loaded only by the preview host, before the app: defines window.pgentra over a loopback
// WebSocket with the same methods the Electron preload exposes (built from the same contract).
// Runtime names from api-surface.ts, as the preload takes them: the page's CSP allows no eval,
// and the contract's zod (which tries new Function()) has no business in the bridge.
import {
  apiMethods,
  EVENT_SHOW_VIEW,
  EVENT_SIGN_IN,
  EVENT_SNAPSHOT,
} from '../../../electron/shared/api-surface.js';
import type {
  AppSnapshot,
  PgentraApi,
  Result,
  SignInFinished,
  WindowView,
} from '../../../electron/shared/ipc-contract.js';

const socket = new WebSocket(`ws://${location.host}/ipc`);
const ready = new Promise<void>((resolve) =>
  socket.addEventListener('open', () => resolve(), { once: true }),
);
let nextId = 1;
const pending = new Map<number, (result: Result<unknown>) => void>();
const listeners = {
  [EVENT_SNAPSHOT]: new Set<(payload: AppSnapshot) => void>(),
  [EVENT_SIGN_IN]: new Set<(payload: SignInFinished) => void>(),
  [EVENT_SHOW_VIEW]: new Set<(payload: WindowView) => void>(),
};

socket.addEventListener('message', (message: MessageEvent<string>) => {
  const data = JSON.parse(message.data) as {
    id?: number;
    result?: Result<unknown>;
    event?: string;
    payload?: unknown;
  };
  if (data.id !== undefined && data.result) {
    pending.get(data.id)?.(data.result);
    pending.delete(data.id);
  } else if (data.event === EVENT_SNAPSHOT) {
    for (const listener of listeners[EVENT_SNAPSHOT]) listener(data.payload as AppSnapshot);
  } else if (data.event === EVENT_SIGN_IN) {
    for (const listener of listeners[EVENT_SIGN_IN]) listener(data.payload as SignInFinished);
  } else if (data.event === EVENT_SHOW_VIEW) {
    for (const listener of listeners[EVENT_SHOW_VIEW]) listener(data.payload as WindowView);
  }
});

async function invoke(channel: string, args: unknown[]): Promise<Result<unknown>> {
  await ready;
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, channel, args }));
  });
}

const api = Object.fromEntries(
  Object.entries(apiMethods).map(([method, channel]) => [
    method,
    (...args: unknown[]) => invoke(channel, args),
  ]),
) as unknown as PgentraApi;
api.onSnapshot = (listener) => {
  listeners[EVENT_SNAPSHOT].add(listener);
  return () => listeners[EVENT_SNAPSHOT].delete(listener);
};
api.onSignInFinished = (listener) => {
  listeners[EVENT_SIGN_IN].add(listener);
  return () => listeners[EVENT_SIGN_IN].delete(listener);
};
api.onShowView = (listener) => {
  listeners[EVENT_SHOW_VIEW].add(listener);
  return () => listeners[EVENT_SHOW_VIEW].delete(listener);
};
window.pgentra = api;

declare global {
  interface Window {
    pgentra?: PgentraApi;
  }
}
