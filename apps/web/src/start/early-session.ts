import { session } from '../auth/token';

/**
 * The first thing the app does, imported first by main.tsx so that it runs before React and
 * the pages are evaluated: trade the refresh cookie for an access token. Every query of the
 * first page needs that token, so the request should be on the wire while the rest of the
 * bundle is still starting, not after the first render.
 */
void session.resume();
