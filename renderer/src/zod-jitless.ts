// zod compiles fast parsers with new Function() when it may. The window's CSP forbids eval (and
// reports every attempt), so zod is told not to try, before any schema is built: main.tsx imports
// this module first.
import { z } from 'zod';

z.config({ jitless: true });
