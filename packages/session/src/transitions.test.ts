import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SessionPolicy } from './policy.js';
import { REPLIES } from './replies.js';
import { COMMAND_STATES, type CommandState } from './state.js';
import { Driver } from './test-support/driver.js';
import {
  renderTransitionTable,
  TABLE_VERBS,
  type TableVerb,
  TRANSITIONS,
  tableVerb,
  transition,
} from './transitions.js';

const POLICY: SessionPolicy = { hostname: 'mx.example.test', maxMessageSize: 10 };

/** Client bytes that bring a new session into each command state. */
const INTO: Readonly<Record<CommandState, string>> = {
  connected: '',
  ready: 'EHLO c.example\r\n',
  mail: 'EHLO c.example\r\nMAIL FROM:<x@example.test>\r\n',
  rcpt: 'EHLO c.example\r\nMAIL FROM:<x@example.test>\r\nRCPT TO:<y@example.test>\r\n',
  bdat: 'EHLO c.example\r\nMAIL FROM:<x@example.test>\r\nRCPT TO:<y@example.test>\r\nBDAT 3\r\nabc',
  'bdat-failed':
    'EHLO c.example\r\nMAIL FROM:<x@example.test>\r\nRCPT TO:<y@example.test>\r\nBDAT 20\r\n01234567890123456789',
};

/** One command line per verb (BDAT with its chunk). */
const SAMPLE: Readonly<Record<TableVerb, string>> = {
  EHLO: 'EHLO c.example\r\n',
  HELO: 'HELO c.example\r\n',
  LHLO: 'LHLO c.example\r\n',
  MAIL: 'MAIL FROM:<z@example.test>\r\n',
  RCPT: 'RCPT TO:<w@example.test>\r\n',
  DATA: 'DATA\r\n',
  BDAT: 'BDAT 2\r\nxy',
  RSET: 'RSET\r\n',
  NOOP: 'NOOP\r\n',
  QUIT: 'QUIT\r\n',
  HELP: 'HELP\r\n',
  VRFY: 'VRFY someone\r\n',
  EXPN: 'EXPN list\r\n',
  STARTTLS: 'STARTTLS\r\n',
  AUTH: 'AUTH PLAIN\r\n',
  TURN: 'TURN\r\n',
  ATRN: 'ATRN example.test\r\n',
  ETRN: 'ETRN example.test\r\n',
  SEND: 'SEND FROM:<z@example.test>\r\n',
  SOML: 'SOML FROM:<z@example.test>\r\n',
  SAML: 'SAML FROM:<z@example.test>\r\n',
  '*': 'FROB\r\n',
};

/** Undoes the column padding a Markdown formatter adds to tables. */
function normalizeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith('|')) return line;
      const cells = line.split(/(?<!\\)\|/).slice(1, -1);
      return `| ${cells.map((cell) => cell.trim().replace(/^-{3,}$/, '---')).join(' | ')} |`;
    })
    .join('\n');
}

describe('transition table', () => {
  it('has a transition for every verb in every command state', () => {
    for (const verb of TABLE_VERBS) {
      for (const state of COMMAND_STATES) expect(TRANSITIONS[verb][state]).toBeDefined();
    }
  });

  it('maps unknown and lower-case-free verbs to the right rows', () => {
    expect(tableVerb('MAIL')).toBe('MAIL');
    expect(tableVerb('X-EXPS')).toBe('*');
    expect(tableVerb('')).toBe('*');
    expect(transition('connected', 'MAIL')).toEqual({ reply: 'sendHelloFirst' });
  });

  for (const state of COMMAND_STATES) {
    it(`every fixed reply of state ${state} is what the session answers, and the state stays`, () => {
      for (const verb of TABLE_VERBS) {
        const cell = TRANSITIONS[verb][state];
        if (!('reply' in cell)) continue;
        const driver = new Driver(POLICY);
        driver.send(INTO[state]);
        expect(driver.session.state, `reaching ${state}`).toBe(state);
        const before = driver.writes.length;
        driver.send(SAMPLE[verb]);
        const expected = REPLIES[cell.reply];
        expect(driver.writes.slice(before), `${verb} in ${state}`).toEqual([
          `${expected.code} ${expected.enhanced} ${expected.text}\r\n`,
        ]);
        expect(driver.session.state, `${verb} in ${state}`).toBe(state);
        // A refused BDAT's chunk was read, not taken for a command.
        driver.send('NOOP\r\n');
        expect(driver.writes.at(-1)).toBe('250 2.0.0 Ok\r\n');
      }
    });

    it(`every handler of state ${state} answers`, () => {
      for (const verb of TABLE_VERBS) {
        const cell = TRANSITIONS[verb][state];
        if (!('handler' in cell)) continue;
        const driver = new Driver(POLICY);
        driver.send(INTO[state]);
        const before = driver.writes.length;
        driver.send(SAMPLE[verb]);
        expect(driver.writes.length, `${verb} in ${state}`).toBeGreaterThan(before);
      }
    });
  }

  it('renders as a Markdown table with one row per verb and the handler legend', () => {
    const markdown = renderTransitionTable();
    const rows = markdown
      .split('\n')
      .filter((line) => line.startsWith('| `') || line.startsWith('| any other'));
    expect(rows).toHaveLength(TABLE_VERBS.length);
    expect(markdown).toContain(
      '| `MAIL` | 503 5.5.1 (sendHelloFirst) | **mail** | 503 5.5.1 (nestedMail) | 503 5.5.1 (nestedMail) | 503 5.5.1 (nestedMail) | 503 5.5.1 (nestedMail) |',
    );
    expect(markdown).toContain('- **bdat**:');
    expect(markdown).toContain('`500 5.5.2 Command not recognized` (unknownCommand)');
  });

  it('is the table printed in the package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(normalizeMarkdown(readme)).toContain(normalizeMarkdown(renderTransitionTable()));
  });
});
