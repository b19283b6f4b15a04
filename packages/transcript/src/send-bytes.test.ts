import { fromUtf8 } from '@smtp/codec';
import { describe, expect, it } from 'vitest';
import type { SendGroup } from './ast.js';
import { parseTranscript } from './parser.js';
import { sendGroupBytes } from './send-bytes.js';
import { createScope } from './variables.js';

describe('sendGroupBytes', () => {
  it('writes C: lines with CRLF and C! lines as they are, variables resolved', () => {
    const file = parseTranscript(
      'S: 220 *\nC! MAIL FROM:\nC: <{{env:FROM}}>\nC: RCPT TO:<b>\nS: 250 *\nS: 250 *\n',
    );
    const group = file.sessions[0]?.steps[1] as SendGroup;
    const bytes = sendGroupBytes(group, createScope({ FROM: 'a@b' }));
    expect(bytes.ok && fromUtf8(bytes.value)).toBe('MAIL FROM:<a@b>\r\nRCPT TO:<b>\r\n');
    expect(sendGroupBytes(group, createScope({})).ok).toBe(false);
  });
});
