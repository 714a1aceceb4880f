/**
 * One time-series chart drawn with uPlot (a canvas, about 50 KB; only the metrics page's chunk
 * loads it), with the same numbers as a table for screen readers and anyone who wants them:
 * the canvas is hidden from assistive technology, the figure's caption names the chart, and the
 * table below it (in a disclosure) is the text alternative.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** One value per x, null where there is none. */
  values: (number | null)[];
  /** A CSS colour or custom property name (`--accent`). */
  color: string;
  bars?: boolean;
}

export interface ChartProps {
  /** The chart's id (its caption and table are named after it). */
  id: string;
  title: string;
  /** The x values: the start of each bucket, in seconds since 1970 (uPlot's unit). */
  xs: number[];
  /** How an x is named in the table (`week of 2 Mar`). */
  xLabel: (x: number) => string;
  series: ChartSeries[];
  /** How a value reads in the table and the axis (`3h 20m`, `40%`). */
  format: (v: number) => string;
  /** What the table's first column is called. */
  xHeading: string;
}

const cssColor = (color: string) =>
  color.startsWith('--')
    ? getComputedStyle(document.documentElement).getPropertyValue(color).trim() || '#888'
    : color;

/**
 * A chart with its data table.
 *
 * @example <TimeChart id="deploys" title="Deployments per week" xs={xs} series={[…]} … />
 */
export function TimeChart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { xs, series, format, title } = props;
  useEffect(() => {
    const el = box.current;
    if (!el || xs.length === 0) return;
    const fg = cssColor('--fg');
    const line = cssColor('--line');
    const axis = { stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line } };
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        title: undefined,
        legend: { show: true },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [
          axis,
          { ...axis, size: 70, values: (_u: uPlot, ticks: number[]) => ticks.map(format) },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: cssColor(s.color),
            width: 2,
            ...(s.bars
              ? {
                  fill: cssColor(s.color),
                  paths: uPlot.paths.bars!({ size: [0.6, 40] }),
                  points: { show: false },
                }
              : { points: { show: true, size: 5 } }),
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
          })),
        ],
      },
      [xs, ...series.map((s) => s.values)],
      el,
    );
    // The canvas says nothing to a screen reader; the table below says it all.
    el.querySelector('canvas')?.setAttribute('aria-hidden', 'true');
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [xs, series, format, title]);

  return (
    <figure className="mx-chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}>{title}</figcaption>
      {xs.length === 0 ? (
        <p className="muted">No data in this period.</p>
      ) : (
        <>
          <div ref={box} className="mx-plot" data-chart={props.id} />
          <details>
            <summary>{title}: as a table</summary>
            <div className="scroll">
              <table>
                <caption className="sr-only">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{props.xHeading}</th>
                    {series.map((s) => (
                      <th scope="col" key={s.label}>
                        {s.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {xs.map((x, i) => (
                    <tr key={x}>
                      <th scope="row">{props.xLabel(x)}</th>
                      {series.map((s) => {
                        const v = s.values[i];
                        return (
                          <td key={s.label}>{v === null || v === undefined ? '—' : format(v)}</td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}
