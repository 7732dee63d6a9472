import { expect, test } from 'vitest';
import { sizeChartOptions } from './size-chart-options.ts';

test("a segment's sizes become one category per day and one line of member counts", () => {
  const options = sizeChartOptions(
    [
      { date: '2026-12-01', members: 10 },
      { date: '2026-12-03', members: 1200 },
    ],
    '会员数',
    (n) => n.toLocaleString('en'),
  );
  expect(options.xAxis.data).toEqual(['2026-12-01', '2026-12-03']);
  expect(options.series[0]).toMatchObject({
    type: 'line',
    name: '会员数',
    data: [10, 1200],
    showSymbol: true,
  });
  expect(options.yAxis.axisLabel.formatter(1200)).toBe('1,200');
  expect(options.tooltip.valueFormatter(1200)).toBe('1,200');
});

test('a long history draws the line without a dot on every day', () => {
  const points = Array.from({ length: 90 }, (_, day) => ({ date: `d${day}`, members: day }));
  expect(sizeChartOptions(points, 'n', String).series[0]?.showSymbol).toBe(false);
});
