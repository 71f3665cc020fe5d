import { useEffect, useRef, type ReactNode } from 'react';
import { Notice } from './problem';

/**
 * After a failed action the focus goes where the person must act: the first field marked
 * invalid inside the container, else its alert. Without it a keyboard or screen-reader user
 * stays on the button and must hunt for what went wrong. `problem` is the error (a new value
 * each failure), or null.
 */
export function useFocusOnProblem<T extends HTMLElement>(problem: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const box = ref.current;
    if (!problem || !box) return;
    const target =
      box.querySelector<HTMLElement>('[aria-invalid="true"]') ?? box.querySelector<HTMLElement>('[role="alert"]');
    if (!target) return;
    // An alert is not focusable by itself; -1 takes it out of the Tab order again.
    if (!target.matches('input, select, textarea, button, a[href]') && !target.hasAttribute('tabindex'))
      target.tabIndex = -1;
    target.focus();
  }, [problem]);
  return ref;
}

/**
 * The outcome of an action whose button went away with it (a report confirmed, submitted):
 * the message takes the focus, so the person is told and continues from there, not from the
 * top of the page.
 */
export function FocusedNotice({ children, tone = 'success' }: { children: ReactNode; tone?: 'info' | 'success' }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} className="rounded-8">
      <Notice tone={tone}>{children}</Notice>
    </div>
  );
}
