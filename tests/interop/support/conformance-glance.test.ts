import { describe, expect, it } from 'vitest';
import { lineEndVerdict } from './conformance-glance.js';
import type { CaseOutcome, Observation } from './conformance-outcomes.js';
import type { PackCase } from './conformance-pack.js';

const SMUGGLING: PackCase = { line: 48, name: 'smuggling: <LF>.<LF>', comment: '[smuggling: <LF>.<LF>] …' };
const BARE_LF: PackCase = { line: 14, name: 'bare LF ending a command line', comment: '[bare LF …] 521' };

const messageReply = (text: string): Observation => ({
  kind: 'reply',
  failure: 'mismatch',
  text,
  answers: 'the message after `DATA`',
  expected: '521 5.5.2 *',
});
const differs = (...observed: Observation[]): CaseOutcome => ({
  state: 'differs',
  observed,
  afterEarlierDifference: false,
});

describe('line-end verdicts', () => {
  it('says a server that follows the check refused and closed', () => {
    const follows: CaseOutcome = { state: 'follows', observed: [], afterEarlierDifference: false };
    expect(lineEndVerdict(SMUGGLING, follows)).toBe('refused: `521 5.5.2`, then closed');
  });

  it('calls it smuggling only when the command behind the look-alike was answered', () => {
    const queued = messageReply('250 2.0.0 Ok: queued');
    const answered: Observation = {
      kind: 'reply',
      failure: 'not-closed',
      text: '250 2.1.0 Ok',
      answers: 'instead of closing',
    };
    expect(lineEndVerdict(SMUGGLING, differs(queued, answered))).toBe(
      '**ended DATA at the look-alike**: the message after `DATA` → `250 2.0.0 Ok: queued`, then the command behind it was answered `250 2.1.0 Ok`',
    );
    const stayedOpen: Observation = { kind: 'event', failure: 'not-closed', text: 'kept it open for 3s' };
    expect(lineEndVerdict(SMUGGLING, differs(queued, stayedOpen))).toMatch(
      /^accepted as one message \(the look-alike stayed content\)/,
    );
    expect(lineEndVerdict(SMUGGLING, differs(messageReply('451 Bare line-feed')))).toMatch(
      /^refused the message: /,
    );
  });

  it('tells a bare LF taken as a line end from a command refused', () => {
    const noop = (text: string): Observation => ({
      kind: 'reply',
      failure: 'mismatch',
      text,
      answers: '`NOOP`',
      expected: '521 5.5.2 *',
    });
    expect(lineEndVerdict(BARE_LF, differs(noop('250 OK')))).toBe(
      '**took the bare LF as a line end**: `NOOP` → `250 OK`',
    );
    expect(lineEndVerdict(BARE_LF, differs(noop('500 5.5.2 nope')))).toBe(
      'answered it as a command: `NOOP` → `500 5.5.2 nope`, stayed open',
    );
  });
});
