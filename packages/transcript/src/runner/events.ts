/**
 * Progress of a run as events, in the order things happen, so the CLI and the editor can show
 * a run live. Every event carries the time (milliseconds since the epoch) and, below the run
 * level, the file it belongs to (as shown in reports).
 */
import type { Range } from '../ast.js';
import type {
  Failure,
  FileResult,
  LogEntry,
  RunResult,
  RunWarning,
  SessionResult,
  StepResult,
} from './results.js';

/** The step an event is about. */
export interface StepRef {
  /** 0-based position among its session's steps. */
  readonly index: number;
  readonly kind: StepResult['kind'];
  readonly range: Range;
  /** 1-based first line. */
  readonly line: number;
}

/** Something that happened during a run. */
export type RunEvent =
  | { readonly type: 'run-start'; readonly time: number; readonly files: readonly string[] }
  | { readonly type: 'file-start'; readonly time: number; readonly file: string }
  | {
      readonly type: 'session-start';
      readonly time: number;
      readonly file: string;
      readonly session: number;
      readonly range: Range;
      readonly target: string;
    }
  | {
      readonly type: 'step-start' | 'step-pass';
      readonly time: number;
      readonly file: string;
      readonly session: number;
      readonly step: StepRef;
    }
  | {
      readonly type: 'step-fail';
      readonly time: number;
      readonly file: string;
      readonly session: number;
      readonly step: StepRef;
      readonly failure: Failure;
    }
  /** Bytes written (one send group, one write) or a reply read; also connects, TLS, closes. */
  | {
      readonly type: 'sent' | 'received' | 'connection';
      readonly time: number;
      readonly file: string;
      readonly entry: LogEntry;
    }
  | { readonly type: 'warning'; readonly time: number; readonly file: string; readonly warning: RunWarning }
  | {
      readonly type: 'session-end';
      readonly time: number;
      readonly file: string;
      readonly result: SessionResult;
    }
  | { readonly type: 'file-end'; readonly time: number; readonly file: string; readonly result: FileResult }
  | { readonly type: 'run-end'; readonly time: number; readonly result: RunResult };

/** Receives the events of a run. */
export type RunEventListener = (event: RunEvent) => void;
