import { useEffect, useRef } from 'react';
import type { EChartsOption } from './echarts';

const FONT = "'Noto Sans JP', sans-serif";

/**
 * One ECharts chart. It is a picture of numbers the page also shows as a table, so it is an
 * image with a short description for screen readers; the table is the accessible form.
 */
export function Chart({ option, label, height = 320 }: { option: EChartsOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    void import('./echarts').then(({ echarts }) => {
      if (disposed || !box.current) return;
      const chart = echarts.init(box.current, undefined, { renderer: 'svg' });
      chart.setOption({ textStyle: { fontFamily: FONT }, animation: false, ...option });
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [option]);
  return <div ref={box} role="img" aria-label={label} className="w-full" style={{ height }} />;
}
