/** The report: totals per area, failed checks named with their error, cells that stay one cell. */
import { describe, expect, it } from 'vitest';
import type { Area } from './areas.js';
import { formatDuration, formatFigure, renderReport } from './render.js';

const area = (file: string, title: string): Area => ({ file, title, proves: `What ${title} proves.` });

describe('renderReport', () => {
  const text = renderReport({
    setting: 'ci',
    startedAt: new Date('2026-01-02T03:04:05.678Z'),
    durationMs: 125_000,
    environment: 'Node v20, linux x64, 2 CPUs',
    areas: [
      {
        area: area('a.test.ts', 'First area'),
        checks: [
          {
            name: 'one',
            state: 'passed',
            durationMs: 12,
            figures: { cases: 1000, lost: 0, 'messages acknowledged': 5 },
          },
          {
            name: 'two | <pipe>',
            state: 'failed',
            durationMs: 1500,
            figures: { cases: 234, lost: 1 },
            error: 'expected 1\nto be 0',
          },
        ],
      },
      { area: area('b.test.ts', 'Second area'), checks: [] },
    ],
  });

  it('heads with the setting, the run and the totals', () => {
    expect(text).toContain('Setting **ci**');
    expect(text).toContain('run 2026-01-02T03:04:05Z');
    expect(text).toContain('2 min 05 s in all');
    expect(text).toContain('**1 checks passed, 1 failed.** Lost messages over the whole run: **1**');
  });

  it('adds up each area and marks figures no check recorded', () => {
    expect(text).toContain('| [First area](#first-area) | 2 | 1 | 1,234 | 5 | — | 1 | — |');
    expect(text).toContain('| [Second area](#second-area) | 0 | 0 | — | — | — | — | — |');
    expect(text).toContain('_Did not run._');
  });

  it('keeps every check in one table row', () => {
    expect(text).toContain(
      '| two \\| &lt;pipe&gt; | **failed**: expected 1 to be 0 | 1.5 s | cases: 234; lost: 1 |',
    );
  });
});

describe('formatting', () => {
  it('figures and durations', () => {
    expect(formatFigure(1234567)).toBe('1,234,567');
    expect(formatFigure(12.3456)).toBe('12.35');
    expect(formatFigure('12 / 13')).toBe('12 / 13');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
  });
});
