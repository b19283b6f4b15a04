import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledGlob, globMismatch } from './glob.js';

/** The obvious (backtracking) meaning of a glob, as a regex: the oracle for small inputs. */
function reference(glob: CompiledGlob): RegExp {
  const escaped = glob.pieces.map((p) => p.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's');
}

describe('globMismatch', () => {
  it('agrees with the regex meaning of a glob on every input', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'ab', ' '), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' '), maxLength: 3 }), {
          minLength: 1,
          maxLength: 5,
        }),
        text,
        (pieces, subject) => {
          const glob = { pieces };
          expect(globMismatch(glob, subject) === undefined).toBe(reference(glob).test(subject));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reports a position within the text on a mismatch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 10 }),
        (pieces, subject) => {
          const at = globMismatch({ pieces }, subject);
          if (at !== undefined) {
            expect(at).toBeGreaterThanOrEqual(0);
            expect(at).toBeLessThanOrEqual(subject.length);
          }
        },
      ),
    );
  });

  it('points at the first differing character of a literal glob', () => {
    expect(globMismatch({ pieces: ['2.1.5 ', ''] }, '2.1.0 Ok')).toBe(4);
    expect(globMismatch({ pieces: ['Ok'] }, 'Ok thanks')).toBe(2);
    expect(globMismatch({ pieces: ['', 'queued as ', ''] }, '2.0.0 Ok')).toBe(0);
    expect(globMismatch({ pieces: ['', ''] }, '')).toBeUndefined();
    expect(globMismatch({ pieces: [''] }, '')).toBeUndefined();
  });
});
