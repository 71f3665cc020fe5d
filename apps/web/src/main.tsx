// First, before React and the pages are evaluated: the session's refresh request goes out.
import './start/early-session';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { queries } from './api/query-client';
import { fetchFirstPage } from './start/first-page';
import './styles.css';

// The first page's queries, started as soon as the session is back (not when the page renders).
fetchFirstPage(queries, new URL(location.href));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
