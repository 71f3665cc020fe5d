import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ProblemAlert } from '../ui/problem';

/**
 * Draws the server's Mermaid text; mermaid itself is imported when a diagram is first shown,
 * so only the pages with a diagram load it. The drawing is an image named `title`; what it
 * says is given as text too (`description`, and the tables the pages show beside it).
 */
export function MermaidDiagram({ text, title, description }: { text: string; title: string; description?: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId().replace(/[^a-zA-Z0-9]/g, '');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const { default: mermaid } = await import('mermaid');
        mermaid.initialize({
          startOnLoad: false,
          securityLevel: 'strict',
          theme: 'neutral',
          fontFamily: "'Noto Sans JP', sans-serif",
        });
        const { svg } = await mermaid.render(`wf${id}`, text);
        if (!cancelled && ref.current) ref.current.innerHTML = svg;
      } catch (e) {
        if (!cancelled) setError(e);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [text, id]);
  return (
    <figure className="flex flex-col gap-2">
      {/* Drawn no narrower than it reads (a phone scrolls it sideways, so the keyboard can reach it too). */}
      <div
        ref={ref}
        role="img"
        tabIndex={0}
        aria-label={title}
        aria-describedby={description ? `${id}-text` : undefined}
        className="overflow-x-auto rounded-8 border border-solid-gray-200 bg-white p-4 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black [&_svg]:min-w-[40rem]"
      />
      <figcaption className="text-dns-14N-130 text-solid-gray-700">{title}（同じ内容を下の表にも示します）</figcaption>
      {description && (
        <div id={`${id}-text`} className="text-dns-16N-130">
          {description}
        </div>
      )}
      {error ? <ProblemAlert error={error} /> : null}
    </figure>
  );
}
