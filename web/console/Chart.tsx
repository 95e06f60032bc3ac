/** A uPlot line chart (the console's only chart library), with its numbers in a table beside it for screen readers. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
}

export function LineChart({ title, xLabel, x, series, bars = false }: { title: string; xLabel: string; x: number[]; series: Series[]; bars?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current || x.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.min(640, ref.current.clientWidth || 640),
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: xLabel }, {}],
        series: [
          { label: xLabel },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: ['#3b1f8f', '#a3122a', '#0b6b2f', '#6b3d00'][i % 4],
            width: 2,
            ...(bars ? { paths: uPlot.paths.bars!({ size: [0.6, 60] }), fill: '#3b1f8f55' } : {}),
          })),
        ],
      },
      [x, ...series.map((s) => s.values)],
      ref.current,
    );
    return () => plot.destroy();
  }, [JSON.stringify([x, series])]);
  return (
    <figure>
      <div ref={ref} role="img" aria-label={title} />
      <figcaption>{title}</figcaption>
    </figure>
  );
}
