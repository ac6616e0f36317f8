// "Add from Azure" (issue 15): the first-run guide and the list's toolbar show a button for it
// next to "Add a cluster". The Clusters section owns the discovery dialog and provides how to
// open it here, so both places open the same one.
import { createContext, useContext } from 'react';

export interface AddFromAzure {
  label: string;
  start: () => void;
}

export const AddFromAzureContext = createContext<AddFromAzure | null>(null);

export function useAddFromAzure(): AddFromAzure | null {
  return useContext(AddFromAzureContext);
}
