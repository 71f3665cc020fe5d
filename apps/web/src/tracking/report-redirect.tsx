import { useQuery } from '@tanstack/react-query';
import { Navigate, useParams } from 'react-router';
import { Loaded } from '../ui/page';
import { readReport } from './tracking-queries';

/** A notification names a progress report; its page is the initiative's, at the progress section. */
export function ReportRedirect() {
  const { id = '' } = useParams();
  const report = useQuery({ queryKey: ['progress-report', id], queryFn: () => readReport(id) });
  return <Loaded query={report}>{(r) => <Navigate replace to={`/initiatives/${r.initiativeId}#progress`} />}</Loaded>;
}
