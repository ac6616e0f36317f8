// The hook for "Add from Azure" (issue 15: discovery of the servers the signed-in account can
// reach). The first-run guide, the empty list and the list's toolbar already render what this
// returns next to "Add a cluster"; it returns null, and nothing shows, until the discovery channel
// exists. Then: return { label: 'Add from Azure', start } where start opens the discovery dialog.
export interface AddFromAzure {
  label: string;
  start: () => void;
}

export function useAddFromAzure(): AddFromAzure | null {
  return null;
}
