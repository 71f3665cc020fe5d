import type { ReactNode } from 'react';

/**
 * A wide table's horizontal scroller. On a narrow screen it scrolls, so it must be reachable
 * by keyboard (focusable, named by the table it holds).
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div
      className="@container w-full overflow-x-auto rounded-4 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black"
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      {children}
    </div>
  );
}
