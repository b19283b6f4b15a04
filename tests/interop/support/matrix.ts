/**
 * Declaring a matrix cell as a test: the test's outcome becomes the cell's result, written as a
 * JSON line into the run's results directory (provided by the global setup) when the test ends.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { inject, it, onTestFinished } from 'vitest';
import type { FeatureOf, MatrixTable, PeerOf } from './matrix-layout.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** Where the cells of this run are recorded (one JSON line per cell). */
    interopResults: string;
  }
}

/** The result of one cell. */
export type CellState = 'pass' | 'fail' | 'unsupported';

/** One cell as recorded by a test. */
export interface CellRecord {
  readonly table: string;
  readonly peer: string;
  readonly feature: string;
  readonly state: CellState;
  /** What the test observed that a reader should know (a reply quoted, a workaround). */
  readonly notes: readonly string[];
  /** The first line of the failure, for a failed cell. */
  readonly error?: string;
}

/** What a cell's body can tell the matrix. */
export interface CellContext {
  /** Adds a note shown under the table. */
  note(text: string): void;
  /**
   * Marks the cell "not supported by the peer"; `evidence` says what was observed. The body must
   * have checked that evidence itself (for instance that the EHLO reply lacks the keyword).
   */
  unsupported(evidence: string): void;
}

/**
 * Declares the test of one cell. The test is named `peer × feature`; a thrown error fails it
 * (and the cell), as in any test.
 */
export function cell<T extends MatrixTable>(
  table: T,
  peer: PeerOf<T>,
  feature: FeatureOf<T>,
  body: (context: CellContext) => Promise<void>,
  timeoutMs = 60_000,
): void {
  const declared = (table.cells as Record<string, readonly string[]>)[peer] ?? [];
  if (!declared.includes(feature)) {
    throw new Error(`matrix ${table.id}: cell ${peer} × ${feature} is not declared in matrix-layout.ts`);
  }
  it(
    `${peer} × ${feature}`,
    async () => {
      const notes: string[] = [];
      let unsupported: string | undefined;
      onTestFinished(({ task }) => {
        const failed = task.result?.state !== 'pass';
        const record: CellRecord = {
          table: table.id,
          peer,
          feature,
          state: failed ? 'fail' : unsupported === undefined ? 'pass' : 'unsupported',
          notes: unsupported === undefined ? notes : [unsupported, ...notes],
          ...(failed ? { error: firstLine(task.result?.errors?.[0]?.message) } : {}),
        };
        appendFileSync(
          path.join(inject('interopResults'), `${process.pid}.jsonl`),
          `${JSON.stringify(record)}\n`,
        );
      });
      await body({
        note: (text) => notes.push(text),
        unsupported: (evidence) => {
          unsupported = evidence;
        },
      });
    },
    timeoutMs,
  );
}

function firstLine(text: string | undefined): string {
  return (text ?? 'failed').split('\n')[0]?.slice(0, 300) ?? 'failed';
}
