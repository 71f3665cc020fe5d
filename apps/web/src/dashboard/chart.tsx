import { useEffect, useRef } from 'react';
import type { EChartsOption } from './echarts';

const FONT = "'Noto Sans JP', sans-serif";

/**
 * One ECharts chart. It is a picture of numbers the page also shows as a table, so it is an
 * image with a short description for screen readers; the table is the accessible form.
 *
 * The chart follows its own box, not the window: a box that gets narrower (a phone turned, a
 * window narrowed, a grid going from two columns to one) redraws the chart at its new width.
 * The box never takes its width from the drawing (min-w-0, overflow hidden), or a chart drawn
 * wide would hold its box, and the page, at the old width.
 */
export function Chart({ option, label, height = 320 }: { option: EChartsOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    void import('./echarts').then(({ echarts }) => {
      const element = box.current;
      if (disposed || !element) return;
      const chart = echarts.init(element, undefined, { renderer: 'svg' });
      chart.setOption({ textStyle: { fontFamily: FONT }, animation: false, ...option });
      const observer = new ResizeObserver(() => chart.resize());
      observer.observe(element);
      dispose = () => {
        observer.disconnect();
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [option]);
  return <div ref={box} role="img" aria-label={label} className="w-full min-w-0 overflow-hidden" style={{ height }} />;
}
