/**
 * The SMTP server protocol as data: for each command-reading state and each verb, either a
 * handler or a fixed reply. The session looks commands up here and nowhere else; the README's
 * table is {@link renderTransitionTable}'s output.
 */
import { describeReply, REPLIES, type ReplyName } from './replies.js';
import { COMMAND_STATES, type CommandState } from './state.js';

/** The verbs the table knows; `*` is every other verb. */
export type TableVerb =
  | 'EHLO'
  | 'HELO'
  | 'LHLO'
  | 'MAIL'
  | 'RCPT'
  | 'DATA'
  | 'BDAT'
  | 'RSET'
  | 'NOOP'
  | 'QUIT'
  | 'HELP'
  | 'VRFY'
  | 'EXPN'
  | 'STARTTLS'
  | 'AUTH'
  | 'TURN'
  | 'ATRN'
  | 'ETRN'
  | 'SEND'
  | 'SOML'
  | 'SAML'
  | '*';

/** The handlers a transition can name (see `handlers/index.ts`). */
export type HandlerName =
  | 'greet'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'bdat'
  | 'rset'
  | 'noop'
  | 'quit'
  | 'help'
  | 'vrfy'
  | 'expn'
  | 'starttls'
  | 'auth';

/** What a command leads to: a handler runs, or a fixed reply is given and nothing changes. */
export type Transition = { readonly handler: HandlerName } | { readonly reply: ReplyName };

type Row = Readonly<Record<CommandState, Transition>>;

const handle = (handler: HandlerName): Transition => ({ handler });
const refuse = (reply: ReplyName): Transition => ({ reply });

function everywhere(transition: Transition): Row {
  return {
    connected: transition,
    ready: transition,
    mail: transition,
    rcpt: transition,
    bdat: transition,
    'bdat-failed': transition,
  };
}

/** Extension verbs: need EHLO first, and no open transaction. */
function outsideTransactions(handler: HandlerName): Row {
  return {
    connected: refuse('sendEhloFirst'),
    ready: handle(handler),
    mail: refuse('inTransaction'),
    rcpt: refuse('inTransaction'),
    bdat: refuse('inTransaction'),
    'bdat-failed': refuse('inTransaction'),
  };
}

/** The whole state × verb table. */
export const TRANSITIONS: Readonly<Record<TableVerb, Row>> = {
  EHLO: everywhere(handle('greet')),
  HELO: everywhere(handle('greet')),
  LHLO: everywhere(handle('greet')),
  MAIL: {
    connected: refuse('sendHelloFirst'),
    ready: handle('mail'),
    mail: refuse('nestedMail'),
    rcpt: refuse('nestedMail'),
    bdat: refuse('nestedMail'),
    'bdat-failed': refuse('nestedMail'),
  },
  RCPT: {
    connected: refuse('sendHelloFirst'),
    ready: refuse('needMail'),
    mail: handle('rcpt'),
    rcpt: handle('rcpt'),
    bdat: refuse('messageInProgress'),
    'bdat-failed': refuse('messageInProgress'),
  },
  DATA: {
    connected: refuse('sendHelloFirst'),
    ready: refuse('needMail'),
    mail: handle('data'),
    rcpt: handle('data'),
    bdat: refuse('dataAfterBdat'),
    'bdat-failed': refuse('dataAfterBdat'),
  },
  BDAT: {
    connected: refuse('sendHelloFirst'),
    ready: refuse('needMail'),
    mail: handle('bdat'),
    rcpt: handle('bdat'),
    bdat: handle('bdat'),
    'bdat-failed': handle('bdat'),
  },
  RSET: everywhere(handle('rset')),
  NOOP: everywhere(handle('noop')),
  QUIT: everywhere(handle('quit')),
  HELP: everywhere(handle('help')),
  VRFY: everywhere(handle('vrfy')),
  EXPN: everywhere(handle('expn')),
  STARTTLS: outsideTransactions('starttls'),
  AUTH: outsideTransactions('auth'),
  TURN: everywhere(refuse('notImplemented')),
  ATRN: everywhere(refuse('notImplemented')),
  ETRN: everywhere(refuse('notImplemented')),
  SEND: everywhere(refuse('notImplemented')),
  SOML: everywhere(refuse('notImplemented')),
  SAML: everywhere(refuse('notImplemented')),
  '*': everywhere(refuse('unknownCommand')),
};

/** Every {@link TableVerb}, in the table's row order. */
export const TABLE_VERBS = Object.keys(TRANSITIONS) as readonly TableVerb[];

const KNOWN = new Set<string>(TABLE_VERBS.filter((verb) => verb !== '*'));

/** The table row for a verb (upper case), `*` for verbs the table does not name. */
export function tableVerb(verb: string): TableVerb {
  return KNOWN.has(verb) ? (verb as TableVerb) : '*';
}

/** The transition for a verb in a state. */
export function transition(state: CommandState, verb: TableVerb): Transition {
  return TRANSITIONS[verb][state];
}

/** What each handler may answer, for the rendered table's legend. */
export const HANDLER_SUMMARIES: Readonly<Record<HandlerName, string>> = {
  greet:
    'EHLO/HELO (LHLO in LMTP mode): clears any transaction, `250` (EHLO: one line per extension) → `ready`; no argument `501 5.5.4`; the other greeting verb of the mode `500 5.5.2`',
  mail: 'checks parameters (`555 5.5.4` unknown or not advertised, `552 5.3.4` SIZE over the limit, `553 5.6.7` non-ASCII address without SMTPUTF8, `530 5.7.0` when AUTH is required), asks the application (`mail` decision) → `250 2.1.0`, `mail`',
  rcpt: 'counts the attempt; checks parameters (`555 5.5.4`, `553 5.6.7`), the limit (`452 4.5.3`), asks the application (`rcpt` decision) → `250 2.1.5`, `rcpt`',
  data: '`503 5.5.1` when no RCPT was given, `554 5.5.1` when all were refused, `503 5.5.1` for BODY=BINARYMIME; else `354` and reads the text: then `552 5.3.4` (size), `500 5.5.6` (long line), `521 5.5.2` + close (bare LF/CR), or the `message-end` decision → `250 2.0.0`, `ready`',
  bdat: 'reads the chunk in every case; refused like DATA when no recipient was accepted, `552 5.3.4` over the size limit (later chunks refused alike until LAST), else `250 2.0.0` per chunk, `message-end` decision after LAST → `ready`',
  rset: '`250 2.0.0`, transaction dropped (EHLO, TLS and AUTH kept) → `ready` (or `connected`)',
  noop: '`250 2.0.0`',
  quit: '`221 2.0.0`, then close',
  help: '`214` (multi-line)',
  vrfy: '`252 2.5.0`, or the `vrfy` decision (`250`/`251`/error) when the policy says so',
  expn: '`502 5.5.1`, or the `expn` decision when the policy says so',
  starttls:
    '`502 5.5.1` without TLS, `503 5.5.1` when already TLS or after HELO; else `220 2.0.0`, input after the line discarded, `starttls` action → `starttls`; after the handshake → `connected`',
  auth: '`502 5.5.1` without AUTH, `503 5.5.1` after HELO or when authenticated, `421 4.7.0` after too many failures, `538 5.7.11` unencrypted, `504 5.5.4` unknown mechanism; else the SASL exchange (`334`, `501 5.5.2` on `*` or bad base64) and the `auth` decision → `235 2.7.0` or the refusal, delayed',
};

function cell(value: Transition): string {
  if ('handler' in value) return `**${value.handler}**`;
  const reply = REPLIES[value.reply];
  return `${reply.code} ${reply.enhanced ?? ''} (${value.reply})`.replace('  ', ' ');
}

/** What happens to every command line before the table is consulted, in this order. */
export const LINE_CHECKS: readonly string[] = [
  'after `maxErrors` error replies (default 10): `421 4.7.0` and close, whatever the command',
  'a bare LF or CR (strict mode): `521 5.5.2` and close',
  'longer than `maxCommandLineLength` (default 512 octets with CRLF; AUTH up to 12288): `500 5.5.6`, the line is dropped',
  'a NUL octet: `501 5.5.2`',
  'then the verb (the first word, any case) picks the row; the parser runs only for handlers',
];

/**
 * Renders the transition table as Markdown: the checks every line passes first, then one row
 * per verb and one column per command-reading state (handlers in bold, fixed replies as
 * `code enhanced (name)`), what each handler does, and the text of every fixed reply used.
 */
export function renderTransitionTable(): string {
  const lines: string[] = ['Every command line first passes these checks, in order:', ''];
  LINE_CHECKS.forEach((check, index) => {
    lines.push(`${index + 1}. ${check}`);
  });
  lines.push('');
  lines.push(`| verb | ${COMMAND_STATES.join(' | ')} |`);
  lines.push(`| --- | ${COMMAND_STATES.map(() => '---').join(' | ')} |`);
  const used = new Set<ReplyName>();
  for (const verb of TABLE_VERBS) {
    const row = TRANSITIONS[verb];
    for (const state of COMMAND_STATES) {
      const value = row[state];
      if ('reply' in value) used.add(value.reply);
    }
    const name = verb === '*' ? 'any other' : `\`${verb}\``;
    lines.push(`| ${name} | ${COMMAND_STATES.map((state) => cell(row[state])).join(' | ')} |`);
  }
  lines.push('');
  lines.push('A refused `BDAT` with a valid size still has its chunk read and discarded.');
  lines.push('');
  lines.push('Handlers:');
  lines.push('');
  for (const [name, summary] of Object.entries(HANDLER_SUMMARIES)) lines.push(`- **${name}**: ${summary}`);
  lines.push('');
  lines.push('Fixed replies:');
  lines.push('');
  for (const name of used) lines.push(`- \`${describeReply(REPLIES[name])}\` (${name})`);
  return `${lines.join('\n')}\n`;
}
