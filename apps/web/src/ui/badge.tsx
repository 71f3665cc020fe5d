/**
 * A workflow state as a badge. The label is the workflow's own (`stateLabel.ja` from the API);
 * the colour says only where in the cycle it stands, so an unknown state still reads right.
 */
const tone: Record<string, string> = {
  draft: 'bg-solid-gray-100 text-solid-gray-900 border-solid-gray-600',
  returned: 'bg-orange-50 text-orange-1100 border-orange-800',
  bureau_review: 'bg-light-blue-50 text-light-blue-1100 border-light-blue-900',
  submitted: 'bg-blue-50 text-blue-1100 border-blue-900',
  committee_review: 'bg-purple-50 text-purple-1100 border-purple-900',
  hq_review: 'bg-magenta-50 text-magenta-1100 border-magenta-900',
  adopted: 'bg-green-50 text-green-1100 border-green-900',
  reported: 'bg-green-100 text-green-1200 border-green-1000',
  rejected: 'bg-red-50 text-red-1100 border-red-1000',
  withdrawn: 'bg-solid-gray-50 text-solid-gray-800 border-solid-gray-600',
  merged: 'bg-solid-gray-50 text-solid-gray-800 border-solid-gray-600',
  open: 'bg-green-50 text-green-1100 border-green-900',
  closed: 'bg-solid-gray-100 text-solid-gray-900 border-solid-gray-600',
  cancelled: 'bg-solid-gray-50 text-solid-gray-800 border-solid-gray-600',
  pending: 'bg-yellow-50 text-yellow-1200 border-yellow-900',
  responded: 'bg-green-50 text-green-1100 border-green-900',
  nil_return: 'bg-solid-gray-100 text-solid-gray-900 border-solid-gray-600',
  overdue: 'bg-red-50 text-red-1100 border-red-1000',
  satisfied: 'bg-green-50 text-green-1100 border-green-900',
};

export function Badge({ state, label }: { state: string; label: string }) {
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-full border px-3 py-0.5 text-dns-14B-120 ${tone[state] ?? tone.draft}`}
      data-state={state}
    >
      {label}
    </span>
  );
}

/** Badge of a record with `state` and `stateLabel` as the API answers them. */
export function StateBadge({ state, stateLabel }: { state: string; stateLabel?: { ja: string } | null }) {
  return <Badge state={state} label={stateLabel?.ja ?? state} />;
}
