// The window's theme follows the OS: dark or light, and high contrast when the OS forces its own
// colours (Windows contrast themes) or the person asks for more contrast. It changes live, as the
// OS setting does.
import { teamsHighContrastTheme, webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { useSyncExternalStore } from 'react';

export type ThemeName = 'light' | 'dark' | 'high-contrast';

const QUERIES = {
  dark: '(prefers-color-scheme: dark)',
  forced: '(forced-colors: active)',
  more: '(prefers-contrast: more)',
} as const;

export const THEMES: Readonly<Record<ThemeName, Theme>> = {
  light: webLightTheme,
  dark: webDarkTheme,
  'high-contrast': teamsHighContrastTheme,
};

function current(): ThemeName {
  const matches = (query: string) => window.matchMedia(query).matches;
  if (matches(QUERIES.forced) || matches(QUERIES.more)) return 'high-contrast';
  return matches(QUERIES.dark) ? 'dark' : 'light';
}

function subscribe(onChange: () => void): () => void {
  const lists = Object.values(QUERIES).map((query) => window.matchMedia(query));
  for (const list of lists) list.addEventListener('change', onChange);
  return () => {
    for (const list of lists) list.removeEventListener('change', onChange);
  };
}

export function useOsTheme(): ThemeName {
  return useSyncExternalStore(subscribe, current);
}
