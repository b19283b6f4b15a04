import { SmtpError } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import { acceptanceReply, checkDecision, queuedReply, refusalReply } from './decisions.js';
import type { DecisionEvent } from './events.js';
import { REPLIES } from './replies.js';

const vrfy: DecisionEvent = { type: 'vrfy', argument: 'alice' };

describe('decisions', () => {
  it('turns refusals into replies, supplying the class enhanced code', () => {
    expect(refusalReply({ accept: false, error: { code: 451, message: 'later' } })).toEqual({
      code: 451,
      enhanced: '4.0.0',
      text: 'later',
    });
    expect(
      refusalReply({
        accept: false,
        error: new SmtpError(550, 'a', { enhanced: '5.7.1', lines: ['a', 'b'] }),
      }),
    ).toEqual({ code: 550, enhanced: '5.7.1', text: ['a', 'b'] });
  });

  it('turns acceptances into replies', () => {
    expect(acceptanceReply({ accept: true }, REPLIES.rcptOk)).toEqual({
      code: 250,
      enhanced: '2.1.5',
      text: 'Ok',
    });
    expect(acceptanceReply({ accept: true, code: 251, message: 'forwarding' }, REPLIES.rcptOk)).toEqual({
      code: 251,
      enhanced: '2.1.5',
      text: 'forwarding',
    });
    expect(queuedReply({ accept: true, queueId: 'ABC' })).toEqual({
      code: 250,
      enhanced: '2.0.0',
      text: 'Ok: queued as ABC',
    });
    expect(queuedReply({ accept: true, message: 'Stored' }, '<a@b> ')).toEqual({
      code: 250,
      enhanced: '2.0.0',
      text: '<a@b> Stored',
    });
  });

  it('checks decisions', () => {
    expect(() => checkDecision({ accept: true, code: 251 }, vrfy, undefined)).not.toThrow();
    expect(() => checkDecision({ accept: true, code: 252 as 251 }, vrfy, undefined)).toThrow(RangeError);
    expect(() => checkDecision({ accept: true, lines: ['a\rb'] }, vrfy, undefined)).toThrow(TypeError);
    expect(() =>
      checkDecision(
        { accept: false, error: new SmtpError(550, 'x', { lines: ['ok', 'bad\n'] }) },
        vrfy,
        undefined,
      ),
    ).toThrow(TypeError);
    expect(() => checkDecision({ perRecipient: [{ accept: true }] }, vrfy, 1)).not.toThrow();
    expect(() => checkDecision({ perRecipient: [{ accept: true }] }, vrfy, 2)).toThrow(RangeError);
    expect(() => checkDecision({ perRecipient: [{ accept: true }] }, vrfy, undefined)).toThrow(TypeError);
    expect(() => checkDecision(null as never, vrfy, undefined)).toThrow(TypeError);
  });
});
