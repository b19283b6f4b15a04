import { describe, expect, it } from 'vitest';
import { recordingFileName } from './recording-name.js';

describe('recordingFileName', () => {
  it('names a recording by its local date and time, sortably', () => {
    expect(recordingFileName(new Date(2026, 10, 3, 4, 5, 6))).toBe('recording-2026-11-03-040506.smtp');
    expect(recordingFileName(new Date(2026, 0, 31, 23, 59, 59))).toBe('recording-2026-01-31-235959.smtp');
  });
});
