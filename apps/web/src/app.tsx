import { lazy, Suspense } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiProblem } from './api/problem';
import { queries } from './api/query-client';
import DashboardPage from './dashboard/dashboard-page';
import { SessionGate } from './auth/session-gate';
import { DeputiesPage } from './deputies/deputies-page';
import { DeadlinesPage } from './inbox/deadlines-page';
import { InboxPage } from './inbox/inbox-page';
import { NotificationsPage } from './inbox/notifications-page';
import { InitiativesPage } from './initiatives/initiatives-page';
import { InquiriesPage } from './inquiries/inquiries-page';
import { InquiryNewPage } from './inquiries/inquiry-new-page';
import { InquiryPage } from './inquiries/inquiry-page';
import { MeetingNewPage } from './meetings/meeting-new-page';
import { MeetingPage } from './meetings/meeting-page';
import { MeetingsPage } from './meetings/meetings-page';
import { ProposalEditPage, ProposalNewPage } from './proposals/proposal-form-page';
import { ProposalPage } from './proposals/proposal-page';
import { ProposalsPage } from './proposals/proposals-page';
import { ApiTokensPage } from './admin/api-tokens-page';
import { NotificationSettingsPage } from './admin/notification-settings-page';
import { OrgUnitsPage } from './admin/org-units-page';
import { SecurityEventsPage } from './admin/security-events-page';
import { SettingsLayout } from './admin/settings-layout';
import { AuditPage, CalendarFeedPage, SettingsPage } from './admin/settings-page';
import { PersonnelChangesPage } from './admin/personnel-changes-page';
import { UserEditPage, UserNewPage, UsersPage } from './admin/users-page';
import { WorkflowDefinitionPage, WorkflowsPage } from './admin/workflows-page';
import { ImportsPage } from './imports/imports-page';
import { CouncilReportPage } from './reports/council-report-page';
import { BulkEntryPage } from './tracking/bulk-entry-page';
import { InitiativeListPage } from './tracking/initiative-list-page';
import { InitiativePage } from './tracking/initiative-page';
import { ReportRedirect } from './tracking/report-redirect';
import { Layout } from './ui/layout';
import { Loading } from './ui/page';
import { ProblemPage } from './ui/problem';

// Mermaid is large: its page (and only its page) loads it.
const WorkflowPage = lazy(() => import('./workflows/workflow-page'));
// ECharts is as large, but the dashboard page itself is small and in the main bundle: only its
// charts load ECharts (chart.tsx), after the numbers are on the screen. A lazy page would cost a
// request and React's Suspense reveal delay before its first query even starts.

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <InboxPage /> },
      { path: 'notifications', element: <NotificationsPage /> },
      { path: 'deadlines', element: <DeadlinesPage /> },
      { path: 'deputies', element: <DeputiesPage /> },
      { path: 'inquiries', element: <InquiriesPage /> },
      { path: 'inquiries/new', element: <InquiryNewPage /> },
      { path: 'inquiries/:id', element: <InquiryPage /> },
      { path: 'proposals', element: <ProposalsPage /> },
      { path: 'proposals/new', element: <ProposalNewPage /> },
      { path: 'proposals/:id', element: <ProposalPage /> },
      { path: 'proposals/:id/edit', element: <ProposalEditPage /> },
      { path: 'meetings', element: <MeetingsPage /> },
      { path: 'meetings/new', element: <MeetingNewPage /> },
      { path: 'meetings/:id', element: <MeetingPage /> },
      { path: 'initiatives', element: <InitiativesPage /> },
      {
        path: 'workflow',
        element: (
          <Suspense fallback={<Loading />}>
            <WorkflowPage />
          </Suspense>
        ),
      },
      { path: 'initiatives/:id', element: <InitiativePage /> },
      { path: 'tracking', element: <InitiativeListPage /> },
      { path: 'tracking/bulk', element: <BulkEntryPage /> },
      { path: 'progress-reports/:id', element: <ReportRedirect /> },
      { path: 'reports', element: <CouncilReportPage /> },
      { path: 'imports', element: <ImportsPage /> },
      {
        // 管理 (not /admin: that path belongs to the server's operator pages).
        path: 'settings',
        element: <SettingsLayout />,
        children: [
          { index: true, element: <SettingsPage /> },
          { path: 'notifications', element: <NotificationSettingsPage /> },
          { path: 'calendar', element: <CalendarFeedPage /> },
          { path: 'tokens', element: <ApiTokensPage /> },
          { path: 'users', element: <UsersPage /> },
          { path: 'users/new', element: <UserNewPage /> },
          { path: 'users/:id', element: <UserEditPage /> },
          { path: 'org-units', element: <OrgUnitsPage /> },
          { path: 'personnel', element: <PersonnelChangesPage /> },
          { path: 'workflows', element: <WorkflowsPage /> },
          { path: 'workflows/:name', element: <WorkflowDefinitionPage /> },
          { path: 'audit', element: <AuditPage /> },
          { path: 'security-events', element: <SecurityEventsPage /> },
        ],
      },
      { path: 'dashboard', element: <DashboardPage /> },
      { path: '*', element: <ProblemPage error={new ApiProblem(404, 'NOT_FOUND', 'no such page', [], null)} /> },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queries}>
      <SessionGate>
        <RouterProvider router={router} />
      </SessionGate>
    </QueryClientProvider>
  );
}
