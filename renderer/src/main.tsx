import './zod-jitless';
import { FluentProvider } from '@fluentui/react-components';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { THEMES, useOsTheme } from './theme/os-theme';
import './styles.css';

// Fluent's styles (Griffel) go into empty <style> elements filled through the CSSOM: the CSP
// allows exactly those (the hash of the empty string) and no inline style with any text in it.
function Root() {
  const theme = useOsTheme();
  return (
    <FluentProvider theme={THEMES[theme]} className="app-root" data-theme={theme}>
      <App />
    </FluentProvider>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
