import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiProblem } from './api/problem';
import { queries } from './api/query-client';
import { SessionGate } from './auth/session-gate';
import DashboardPage from './dashboard/dashboard-page';
import { InboxPage } from './inbox/inbox-page';
import { InitiativeListPage } from './tracking/initiative-list-page';
import { Layout } from './ui/layout';
import { Loading } from './ui/page';
import { ProblemPage } from './ui/problem';
import { RouteError } from './ui/route-error';

/**
 * What the first load needs is in this chunk: the frame, the sign-in page, マイページ, the
 * dashboard and the 取組と進捗 list (their numbers are what people open the app for). Every
 * other page is a chunk of its own, loaded by the router (route `lazy`) before it renders the
 * route: no Suspense fallback and no reveal delay, and a visit that starts elsewhere waits for
 * one more request only. Mermaid and ECharts stay in chunks of their own, loaded by the
 * workflow diagram and the charts.
 */
function page<K extends string, M extends Record<K, ComponentType>>(load: () => Promise<M>, name: K) {
  return async () => ({ Component: (await load())[name] });
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    // Shown only while the router loads the chunk of the page a visit starts on.
    hydrateFallbackElement: <Loading />,
    children: [
      {
        // A page whose chunk cannot be loaded (e.g. gone after a release) is told inside the frame.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <InboxPage /> },
          { path: 'notifications', lazy: page(() => import('./inbox/notifications-page'), 'NotificationsPage') },
          { path: 'deadlines', lazy: page(() => import('./inbox/deadlines-page'), 'DeadlinesPage') },
          { path: 'deputies', lazy: page(() => import('./deputies/deputies-page'), 'DeputiesPage') },
          { path: 'inquiries', lazy: page(() => import('./inquiries/inquiries-page'), 'InquiriesPage') },
          { path: 'inquiries/new', lazy: page(() => import('./inquiries/inquiry-new-page'), 'InquiryNewPage') },
          { path: 'inquiries/:id', lazy: page(() => import('./inquiries/inquiry-page'), 'InquiryPage') },
          { path: 'proposals', lazy: page(() => import('./proposals/proposals-page'), 'ProposalsPage') },
          { path: 'proposals/new', lazy: page(() => import('./proposals/proposal-form-page'), 'ProposalNewPage') },
          { path: 'proposals/:id', lazy: page(() => import('./proposals/proposal-page'), 'ProposalPage') },
          {
            path: 'proposals/:id/edit',
            lazy: page(() => import('./proposals/proposal-form-page'), 'ProposalEditPage'),
          },
          { path: 'meetings', lazy: page(() => import('./meetings/meetings-page'), 'MeetingsPage') },
          { path: 'meetings/new', lazy: page(() => import('./meetings/meeting-new-page'), 'MeetingNewPage') },
          { path: 'meetings/:id', lazy: page(() => import('./meetings/meeting-page'), 'MeetingPage') },
          { path: 'initiatives', lazy: page(() => import('./initiatives/initiatives-page'), 'InitiativesPage') },
          { path: 'workflow', lazy: page(() => import('./workflows/workflow-page'), 'default') },
          { path: 'initiatives/:id', lazy: page(() => import('./tracking/initiative-page'), 'InitiativePage') },
          { path: 'tracking', element: <InitiativeListPage /> },
          { path: 'tracking/bulk', lazy: page(() => import('./tracking/bulk-entry-page'), 'BulkEntryPage') },
          { path: 'progress-reports/:id', lazy: page(() => import('./tracking/report-redirect'), 'ReportRedirect') },
          { path: 'reports', lazy: page(() => import('./reports/council-report-page'), 'CouncilReportPage') },
          { path: 'imports', lazy: page(() => import('./imports/imports-page'), 'ImportsPage') },
          {
            // 管理 (not /admin: that path belongs to the server's operator pages).
            path: 'settings',
            lazy: page(() => import('./admin/settings-layout'), 'SettingsLayout'),
            children: [
              { index: true, lazy: page(() => import('./admin/settings-page'), 'SettingsPage') },
              {
                path: 'notifications',
                lazy: page(() => import('./admin/notification-settings-page'), 'NotificationSettingsPage'),
              },
              { path: 'calendar', lazy: page(() => import('./admin/settings-page'), 'CalendarFeedPage') },
              { path: 'tokens', lazy: page(() => import('./admin/api-tokens-page'), 'ApiTokensPage') },
              { path: 'users', lazy: page(() => import('./admin/users-page'), 'UsersPage') },
              { path: 'users/new', lazy: page(() => import('./admin/users-page'), 'UserNewPage') },
              { path: 'users/:id', lazy: page(() => import('./admin/users-page'), 'UserEditPage') },
              { path: 'org-units', lazy: page(() => import('./admin/org-units-page'), 'OrgUnitsPage') },
              { path: 'personnel', lazy: page(() => import('./admin/personnel-changes-page'), 'PersonnelChangesPage') },
              { path: 'workflows', lazy: page(() => import('./admin/workflows-page'), 'WorkflowsPage') },
              { path: 'workflows/:name', lazy: page(() => import('./admin/workflows-page'), 'WorkflowDefinitionPage') },
              { path: 'audit', lazy: page(() => import('./admin/settings-page'), 'AuditPage') },
              {
                path: 'security-events',
                lazy: page(() => import('./admin/security-events-page'), 'SecurityEventsPage'),
              },
            ],
          },
          { path: 'dashboard', element: <DashboardPage /> },
          { path: '*', element: <ProblemPage error={new ApiProblem(404, 'NOT_FOUND', 'no such page', [], null)} /> },
        ],
      },
    ],
  },
]);

function App() {
  return (
    <QueryClientProvider client={queries}>
      <SessionGate>
        <RouterProvider router={router} />
      </SessionGate>
    </QueryClientProvider>
  );
}

/** Called by the entry (main.tsx) once this chunk is in. */
export function renderApp(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
