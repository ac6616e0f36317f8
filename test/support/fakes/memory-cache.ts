// MSAL's token cache in memory, for tests of one process: the shared encrypted cache
// (cache-persistence.ts) is tested on its own.
import type { ICachePlugin } from '@azure/msal-node';

export function memoryCache(): ICachePlugin {
  let serialized = '';
  return {
    beforeCacheAccess: async (context) => {
      if (serialized) context.tokenCache.deserialize(serialized);
    },
    afterCacheAccess: async (context) => {
      if (context.cacheHasChanged) serialized = context.tokenCache.serialize();
    },
  };
}
