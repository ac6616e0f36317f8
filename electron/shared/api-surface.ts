// The runtime names of the renderer API, without zod: the sandboxed preload bundles only this, so
// it imports nothing. That every method names a real channel is checked where the contract builds
// PgentraApi from it (ipc-contract.ts).

/** Main → renderer push: the state changed (countdowns restart from the new expiresAt). */
export const EVENT_SNAPSHOT = 'app:snapshot-changed';
/** Main → renderer push: a device-code sign-in finished or failed. */
export const EVENT_SIGN_IN = 'accounts:sign-in-finished';
/** Main → renderer push: show this part of the window (the tray's "Settings…", "Open pgentra…"). */
export const EVENT_SHOW_VIEW = 'app:show-view';
export const WINDOW_VIEWS = ['clusters', 'accounts', 'settings'] as const;
export type WindowView = (typeof WINDOW_VIEWS)[number];

/** The named methods the preload exposes as `window.pgentra` (and the preview host mirrors). */
export const apiMethods = {
  snapshot: 'app:snapshot',
  previewCluster: 'clusters:preview',
  addCluster: 'clusters:add',
  updateCluster: 'clusters:update',
  removeCluster: 'clusters:remove',
  refresh: 'clusters:refresh',
  copyToken: 'clusters:copyToken',
  copyConnectionString: 'clusters:copyConnectionString',
  openPsql: 'clusters:openPsql',
  openPgadmin: 'clusters:openPgadmin',
  signInBrowser: 'accounts:signInBrowser',
  signInDeviceCode: 'accounts:signInDeviceCode',
  signOut: 'accounts:signOut',
  updateSettings: 'settings:update',
  choosePgpassFile: 'settings:choosePgpassFile',
  adoptPgpassFile: 'settings:adoptPgpassFile',
  choosePgadmin: 'settings:choosePgadmin',
  installCli: 'app:installCli',
  discoverAzure: 'azure:discover',
  addClusterFromAzure: 'azure:addCluster',
  azureChecks: 'azure:checks',
  planAllowMyIp: 'azure:planAllowMyIp',
  allowMyIp: 'azure:allowMyIp',
  removeFirewallRule: 'azure:removeFirewallRule',
} as const;
