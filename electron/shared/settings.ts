// The settings, one schema for every place they enter: config.json (with these defaults) and the
// window's settings form (the IPC patch: flat field names, each field held to the same rule).
// Messages never start with the field's name: each face puts its own name for the field in front
// (`settings.tenant: …` from the config file, the form's label in the window).
import { z } from 'zod';
import { knownTerminalSchema } from './terminals.js';

/** Azure CLI's first-party app: pre-authorized for OSSRDBMS, no consent needed (facts §1.6). */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

// Entra app IDs are GUIDs of any version and variant (first-party ones are not all RFC 4122
// UUIDs), so `z.guid()`, not `z.uuid()`.
const clientId = z.guid(`the client ID is a GUID like ${AZURE_CLI_CLIENT_ID}`);

const tenant = z
  .string()
  .min(1, 'the tenant is empty: use organizations, a tenant ID or a domain')
  .max(256, 'the tenant is at most 256 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'the tenant is a tenant ID, a domain, "organizations" or "common"');

// The form edits minutes; every bound is a whole number of minutes, so one wording fits the file too.
const refreshMarginSec = z
  .number('a number')
  .int('a whole number of seconds')
  .min(60, 'at least 1 minute')
  .max(3600, 'at most 60 minutes');

const clipboardClearSec = z
  .number('the clipboard clear time is a number of seconds')
  .int('the clipboard clear time is a whole number of seconds')
  .min(5, 'the clipboard is cleared after at least 5 seconds')
  .max(600, 'the clipboard is cleared after at most 600 seconds');

const filePath = (what: string) =>
  z
    .string()
    .min(1, `${what} is empty: give a path or leave it out`)
    .max(4096, `${what} is longer than 4096 characters`);
const pgpassPath = filePath('the pgpass path');
const pgadminPath = filePath('the pgAdmin path');

/** Terminal programs to try for psql, in order; empty = the platform's usual ones. */
const terminal = z
  .array(z.string().min(1, 'a terminal name is empty').max(256, 'a terminal name is at most 256 characters'))
  .max(10, 'at most 10 terminals');

const flag = z.boolean('true or false');

export const settingsSchema = z.object({
  clientId: clientId.default(AZURE_CLI_CLIENT_ID),
  tenant: tenant.default('organizations'),
  cloud: z.string().min(1, 'the cloud is empty').default('public'),
  refreshMarginSec: refreshMarginSec.default(900),
  pgpass: z.object({ enabled: flag.default(true), path: pgpassPath.optional() }).default({ enabled: true }),
  /**
   * On by default: the service file holds no secret, and `service=NAME` is how any libpq client
   * gets the cluster's host, user and sslmode=verify-full rather than libpq's default `prefer`.
   */
  pgService: z.object({ enabled: flag.default(true) }).default({ enabled: true }),
  clipboardClearSec: clipboardClearSec.default(30),
  terminal: terminal.default([]),
  pgadminPath: pgadminPath.optional(),
  startAtLogin: flag.default(false),
  /** Off: without a keychain, pgentra asks to sign in each time rather than store tokens in clear. */
  allowPlaintextCache: flag.default(false),
});

/**
 * What the window may change, in the form's flat names: absent keeps a setting. The window is the
 * less trusted side, so it gets less than config.json: the terminal only from the known list (a
 * custom command runs whatever it says), and no path at all: the pgpass file and pgAdmin are
 * chosen in the main process's file picker (settings:choosePgpassFile, settings:choosePgadmin),
 * and the window may only send null, back to the default place.
 */
export const settingsPatchSchema = z
  .object({
    refreshMarginSec,
    pgpassEnabled: flag,
    pgpassPath: z.null('the pgpass file is chosen with "Choose…"; only null (the default file) is sent'),
    pgServiceEnabled: flag,
    clipboardClearSec,
    terminal: z.array(knownTerminalSchema).max(10, 'at most 10 terminals'),
    pgadminPath: z.null('pgAdmin is chosen with "Choose…"; only null (find it automatically) is sent'),
    clientId,
    tenant,
    startAtLogin: flag,
  })
  .partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * A settings change as the core applies it: the window's patch, or what only the main process
 * (its file picker) and config.json may set: a path, a custom terminal command.
 */
export type SettingsChange = Omit<SettingsPatch, 'pgpassPath' | 'pgadminPath' | 'terminal'> & {
  pgpassPath?: string | null;
  pgadminPath?: string | null;
  terminal?: string[];
};
