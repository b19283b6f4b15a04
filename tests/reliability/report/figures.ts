import type { TestContext } from 'vitest';

/** One measured value of a check: a count, a size, a duration or a short note. */
export type Figure = number | string;

/** What a check tried and saw, by name (`cases`, `messages acknowledged`, `lost`, …). */
export type Figures = Readonly<Record<string, Figure>>;

declare module 'vitest' {
  interface TaskMeta {
    /** Figures the check recorded, for docs/reliability.md. */
    figures?: Record<string, Figure>;
  }
}

/**
 * Records figures for the report. Called as a check goes, so a failing check still shows how far
 * it got; a later value of the same name replaces the earlier one.
 */
export function record(context: TestContext, figures: Figures): void {
  const meta = context.task.meta;
  meta.figures = { ...meta.figures, ...figures };
}
