// A cluster's name, the same at every boundary (config file, `pgentra cluster add`, the window,
// the agent socket, pgAdmin's PasswordExecCommand): it is pasted into shell commands unquoted,
// so anything a shell could read as more than one word is refused wherever a name enters.
import { z } from 'zod';

export const clusterNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,64}$/,
    'use 1–64 letters, digits, ".", "_" or "-" (no spaces: the name is used in commands)',
  );
