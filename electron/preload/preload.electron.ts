// The only bridge between the sandboxed renderer and the main process: named methods built from
// the contract, each forwarding to one channel. No ipcRenderer, no Node, nothing else leaks.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  apiMethods,
  EVENT_SHOW_VIEW,
  EVENT_SIGN_IN,
  EVENT_SNAPSHOT,
  type WindowView,
} from '../shared/api-surface.js';
import type { AppSnapshot, PgentraApi, SignInFinished } from '../shared/ipc-contract.js';

const api = Object.fromEntries(
  Object.entries(apiMethods).map(([method, channel]) => [
    method,
    (...args: unknown[]) => ipcRenderer.invoke(channel, args),
  ]),
) as unknown as PgentraApi;

api.onSnapshot = (listener) => {
  const handler = (_event: IpcRendererEvent, snapshot: AppSnapshot) => listener(snapshot);
  ipcRenderer.on(EVENT_SNAPSHOT, handler);
  return () => void ipcRenderer.off(EVENT_SNAPSHOT, handler);
};
api.onSignInFinished = (listener) => {
  const handler = (_event: IpcRendererEvent, event: SignInFinished) => listener(event);
  ipcRenderer.on(EVENT_SIGN_IN, handler);
  return () => void ipcRenderer.off(EVENT_SIGN_IN, handler);
};

api.onShowView = (listener) => {
  const handler = (_event: IpcRendererEvent, view: WindowView) => listener(view);
  ipcRenderer.on(EVENT_SHOW_VIEW, handler);
  return () => void ipcRenderer.off(EVENT_SHOW_VIEW, handler);
};

contextBridge.exposeInMainWorld('pgentra', Object.freeze(api));
