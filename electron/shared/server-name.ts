// A Single Server's name, the `servername` in its `user@servername` login: the first label of
// `servername.postgres.database.azure.com`, given separately when the cluster's host is an IP
// address or a custom DNS name. The same rule in config.json, `cluster add --server-name` and the
// window's form.
import { z } from 'zod';

export const serverNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/,
    'a server name is 3–63 letters, digits and "-", e.g. myserver for myserver.postgres.database.azure.com',
  );
