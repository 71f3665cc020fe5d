import { Loaded, PageTitle } from '../ui/page';
import { DeadlineTable } from './deadline-list';
import { useDeadlines } from './inbox';

export function DeadlinesPage() {
  const deadlines = useDeadlines();
  return (
    <>
      <PageTitle title="期限">期限</PageTitle>
      <Loaded query={deadlines}>{(rows) => <DeadlineTable caption="あなたの期限（近い順）" rows={rows} />}</Loaded>
    </>
  );
}
