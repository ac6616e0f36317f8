// The window's shared layout: a page column with its heading, a plain stacked list, a fact table
// (term: value) and a row of buttons. One place, so every section lines up the same way.
import { makeStyles, tokens } from '@fluentui/react-components';

export const useLayoutStyles = makeStyles({
  page: { maxWidth: '640px', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  pageHeading: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  stack: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

/** How a section tells the person what an action did (App shows it as a toast). */
export type OnNotice = (message: string, isError?: boolean, details?: readonly string[]) => void;
