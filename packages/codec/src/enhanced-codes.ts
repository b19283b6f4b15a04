/**
 * RFC 3463 enhanced status codes (`class.subject.detail`) and the details registered since
 * (IANA "SMTP Enhanced Status Codes" registry, RFC 5248). Descriptions are this project's own.
 */

/** The class digit of an enhanced status code. */
export type EnhancedClass = 'success' | 'transient' | 'permanent';

/** What an enhanced status code means. */
export interface EnhancedCodeInfo {
  /** The code as given, e.g. `5.1.1`. */
  readonly code: string;
  /** The class (first number): 2 success, 4 persistent transient failure, 5 permanent failure. */
  readonly class: EnhancedClass;
  /** The subject (second number) in words, e.g. `Addressing`. */
  readonly subject: string;
  /** The detail (third number). */
  readonly detail: number;
  /** A few words, e.g. `Bad destination mailbox address`. */
  readonly title: string;
  /** One or two sentences on when it is used. */
  readonly description: string;
  /** True when the subject and detail are registered; false for a description built from class and subject. */
  readonly registered: boolean;
  /** The RFC that registered the subject.detail pair, when it is registered. */
  readonly rfc?: string;
}

/** A registered `subject.detail` pair (the class is chosen by the reply). */
interface Detail {
  readonly title: string;
  readonly description: string;
  readonly rfc: string;
}

const CLASSES: Readonly<Record<string, EnhancedClass>> = {
  '2': 'success',
  '4': 'transient',
  '5': 'permanent',
};

const CLASS_WORDS: Readonly<Record<EnhancedClass, string>> = {
  success: 'Success',
  transient: 'Persistent transient failure',
  permanent: 'Permanent failure',
};

/** RFC 3463 §3: the subjects. */
const SUBJECTS: readonly (readonly [title: string, description: string])[] = [
  ['Other or undefined', 'No subject applies, or the sender did not say which one.'],
  ['Addressing', 'The address of the originator or a recipient.'],
  ['Mailbox', "The recipient's mailbox, once the address was found."],
  ['Mail system', 'The receiving mail system as a whole.'],
  ['Network and routing', 'Reaching the next system over the network.'],
  ['Mail delivery protocol', 'The SMTP exchange itself: commands, syntax, sequence.'],
  ['Message content or media', 'The content of the message and its conversions.'],
  ['Security or policy', 'Authentication, encryption, permissions and local policy.'],
];

type Row = readonly [subjectDetail: string, title: string, description: string, rfc: string];

const R3463 = 'RFC 3463';

const ROWS: readonly Row[] = [
  ['0.0', 'Other undefined status', 'Nothing more specific is known or said.', R3463],

  ['1.0', 'Other address status', 'Something is wrong with an address; no more detail.', R3463],
  [
    '1.1',
    'Bad destination mailbox address',
    'The part of the recipient address left of the @ does not exist at the destination.',
    R3463,
  ],
  [
    '1.2',
    'Bad destination system address',
    'The domain of the recipient address does not exist or accepts no mail.',
    R3463,
  ],
  [
    '1.3',
    'Bad destination mailbox address syntax',
    'The recipient address is not syntactically valid.',
    R3463,
  ],
  [
    '1.4',
    'Destination mailbox address ambiguous',
    'The recipient address matches more than one mailbox.',
    R3463,
  ],
  [
    '1.5',
    'Destination address valid',
    'The recipient address is good (used in success replies to RCPT).',
    R3463,
  ],
  ['1.6', 'Destination mailbox has moved', 'The mailbox moved and there is no forwarding address.', R3463],
  ['1.7', "Bad sender's mailbox address syntax", 'The originator address is not syntactically valid.', R3463],
  [
    '1.8',
    "Bad sender's system address",
    'The domain of the originator address does not exist or cannot take replies.',
    R3463,
  ],
  [
    '1.9',
    'Message relayed to non-compliant mailer',
    'The message went on to a system that cannot report delivery status (message tracking).',
    'RFC 3886',
  ],
  [
    '1.10',
    'Recipient address has null MX',
    "The recipient's domain publishes a null MX: it accepts no mail.",
    'RFC 7505',
  ],

  [
    '2.0',
    'Other or undefined mailbox status',
    'The mailbox exists, but something about it stops delivery.',
    R3463,
  ],
  [
    '2.1',
    'Mailbox disabled, not accepting messages',
    'The mailbox exists but refuses mail for now or for good.',
    R3463,
  ],
  ['2.2', 'Mailbox full', 'The mailbox has no room left.', R3463],
  [
    '2.3',
    'Message length exceeds administrative limit',
    'The message is bigger than this mailbox or site allows.',
    R3463,
  ],
  ['2.4', 'Mailing list expansion problem', 'The address is a list and expanding it failed.', R3463],

  [
    '3.0',
    'Other or undefined mail system status',
    'The receiving system has a problem not covered below.',
    R3463,
  ],
  ['3.1', 'Mail system full', 'The receiving system has no storage left.', R3463],
  [
    '3.2',
    'System not accepting network messages',
    'The receiving system takes no mail now, e.g. while shutting down.',
    R3463,
  ],
  [
    '3.3',
    'System not capable of selected features',
    'The message needs a feature the system does not have.',
    R3463,
  ],
  ['3.4', 'Message too big for system', 'The message is bigger than the system can ever take.', R3463],
  ['3.5', 'System incorrectly configured', 'The receiving system is misconfigured.', R3463],
  [
    '3.6',
    'Requested priority was changed',
    'The message was accepted at a priority other than the one asked for (MT-PRIORITY).',
    'RFC 6710',
  ],

  [
    '4.0',
    'Other or undefined network or routing status',
    'Delivery failed on the way to the next hop.',
    R3463,
  ],
  ['4.1', 'No answer from host', 'The next host did not answer the connection attempt.', R3463],
  [
    '4.2',
    'Bad connection',
    'The connection was made but broke, or timed out, during the transaction.',
    R3463,
  ],
  ['4.3', 'Directory server failure', 'A directory (such as DNS) needed for routing failed.', R3463],
  ['4.4', 'Unable to route', 'No route to the destination could be found.', R3463],
  ['4.5', 'Mail system congestion', 'The receiving system is overloaded.', R3463],
  ['4.6', 'Routing loop detected', 'The message was passed around in a loop.', R3463],
  ['4.7', 'Delivery time expired', 'The message could not be delivered before it expired.', R3463],

  ['5.0', 'Other or undefined protocol status', 'Something went wrong in the SMTP exchange.', R3463],
  ['5.1', 'Invalid command', 'The command is unknown, out of sequence or not supported.', R3463],
  ['5.2', 'Syntax error', 'The command line could not be parsed.', R3463],
  [
    '5.3',
    'Too many recipients',
    'The transaction has more recipients than the server takes; send the rest later.',
    R3463,
  ],
  ['5.4', 'Invalid command arguments', 'The command is valid but an argument or parameter is not.', R3463],
  ['5.5', 'Wrong protocol version', 'The peers do not agree on a protocol version.', R3463],
  [
    '5.6',
    'Authentication exchange line too long',
    'A line of the AUTH exchange is longer than the server accepts.',
    'RFC 4954',
  ],

  ['6.0', 'Other or undefined media error', 'The content of the message caused a problem.', R3463],
  ['6.1', 'Media not supported', 'The message contains a media type the destination cannot handle.', R3463],
  [
    '6.2',
    'Conversion required and prohibited',
    'The content must be converted, but the sender forbade conversion.',
    R3463,
  ],
  [
    '6.3',
    'Conversion required but not supported',
    'The content must be converted and no converter is available.',
    R3463,
  ],
  [
    '6.4',
    'Conversion with loss performed',
    'The content was converted and something was lost (a warning, usually with success).',
    R3463,
  ],
  ['6.5', 'Conversion failed', 'The content had to be converted and the conversion failed.', R3463],
  [
    '6.6',
    'Message content not available',
    'Content referred to (e.g. by BURL) could not be fetched.',
    'RFC 4468',
  ],
  [
    '6.7',
    'Non-ASCII addresses not permitted',
    'A non-ASCII address was used where SMTPUTF8 is not in effect.',
    'RFC 6531',
  ],
  [
    '6.8',
    'UTF-8 string reply required but not permitted',
    'The reply would need UTF-8 text, which the client did not allow.',
    'RFC 6531',
  ],
  [
    '6.9',
    'UTF-8 header message cannot be transferred',
    'A message with UTF-8 headers cannot go on to a recipient whose server lacks SMTPUTF8.',
    'RFC 6531',
  ],
  [
    '6.10',
    'UTF-8 string reply required but not permitted',
    'Registered beside 6.8 with the same meaning.',
    'RFC 6531',
  ],

  ['7.0', 'Other or undefined security status', 'A security or policy problem not covered below.', R3463],
  [
    '7.1',
    'Delivery not authorized, message refused',
    'The sender may not send to this recipient, e.g. relaying denied or policy block.',
    R3463,
  ],
  ['7.2', 'Mailing list expansion prohibited', 'The sender may not use this mailing list.', R3463],
  [
    '7.3',
    'Security conversion required but not possible',
    'The message would have to be converted to a security format that is not available.',
    R3463,
  ],
  ['7.4', 'Security features not supported', 'The message needs security features the system lacks.', R3463],
  ['7.5', 'Cryptographic failure', 'Decryption or signature checking failed.', R3463],
  [
    '7.6',
    'Cryptographic algorithm not supported',
    'The message uses an algorithm the system does not support.',
    R3463,
  ],
  ['7.7', 'Message integrity failure', 'The message was changed or damaged in transit.', R3463],
  ['7.8', 'Authentication credentials invalid', 'The AUTH credentials were wrong.', 'RFC 4954'],
  [
    '7.9',
    'Authentication mechanism too weak',
    'The AUTH mechanism is weaker than policy requires.',
    'RFC 4954',
  ],
  ['7.10', 'Encryption needed', 'The command is only accepted over an encrypted connection.', 'RFC 5248'],
  [
    '7.11',
    'Encryption required for requested authentication mechanism',
    'This AUTH mechanism may only be used after STARTTLS.',
    'RFC 4954',
  ],
  [
    '7.12',
    'Password transition needed',
    'The password must be changed or re-established before this mechanism works.',
    'RFC 4954',
  ],
  ['7.13', 'User account disabled', 'The account exists but is disabled.', 'RFC 5248'],
  [
    '7.14',
    'Trust relationship required',
    'The server accepts this only from peers it has an agreement with.',
    'RFC 5248',
  ],
  ['7.15', 'Priority level too low', "The message's MT-PRIORITY is too low to be accepted now.", 'RFC 6710'],
  [
    '7.16',
    'Message too big for the specified priority',
    'The message is too large to be accepted at its MT-PRIORITY.',
    'RFC 6710',
  ],
  [
    '7.17',
    'Mailbox owner has changed',
    'The mailbox was reassigned since the date the sender gave (RRVS).',
    'RFC 7293',
  ],
  [
    '7.18',
    'Domain owner has changed',
    'The domain changed hands since the date the sender gave (RRVS).',
    'RFC 7293',
  ],
  [
    '7.19',
    'RRVS test cannot be completed',
    'The server cannot check the RRVS date it was given.',
    'RFC 7293',
  ],
  [
    '7.20',
    'No passing DKIM signature found',
    'Policy needs a valid DKIM signature and none passed.',
    'RFC 7372',
  ],
  [
    '7.21',
    'No acceptable DKIM signature found',
    'DKIM signatures passed, but none meets local policy.',
    'RFC 7372',
  ],
  [
    '7.22',
    'No valid author-matched DKIM signature found',
    "No passing DKIM signature matches the author's domain.",
    'RFC 7372',
  ],
  [
    '7.23',
    'SPF validation failed',
    "The sending host is not allowed by the sender domain's SPF record.",
    'RFC 7372',
  ],
  ['7.24', 'SPF validation error', 'The SPF check could not be completed.', 'RFC 7372'],
  ['7.25', 'Reverse DNS validation failed', "The sending host's reverse DNS does not check out.", 'RFC 7372'],
  [
    '7.26',
    'Multiple authentication checks failed',
    'More than one sender authentication check failed.',
    'RFC 7372',
  ],
  [
    '7.27',
    'Sender address has null MX',
    "The sender's domain publishes a null MX, so it could never receive a bounce.",
    'RFC 7505',
  ],
  [
    '7.29',
    'ARC validation failure',
    "The message's Authenticated Received Chain did not validate.",
    'RFC 8617',
  ],
  [
    '7.30',
    'REQUIRETLS support required',
    'The message demands REQUIRETLS and the next hop cannot honour it.',
    'RFC 8689',
  ],
];

const DETAILS: ReadonlyMap<string, Detail> = new Map(
  ROWS.map(([key, title, description, rfc]) => [key, { title, description, rfc }]),
);

const SHAPE = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

function info(code: string, klass: EnhancedClass, subject: number, detail: number): EnhancedCodeInfo {
  const subjectWords = SUBJECTS[subject];
  const registered = DETAILS.get(`${subject}.${detail}`);
  const subjectTitle = subjectWords?.[0] ?? 'Unassigned subject';
  if (registered !== undefined) {
    return {
      code,
      class: klass,
      subject: subjectTitle,
      detail,
      title: registered.title,
      description: registered.description,
      registered: true,
      rfc: registered.rfc,
    };
  }
  const about =
    subjectWords === undefined ? 'a subject RFC 3463 does not define' : subjectWords[1].toLowerCase();
  return {
    code,
    class: klass,
    subject: subjectTitle,
    detail,
    title: `${CLASS_WORDS[klass]}: ${subjectTitle.toLowerCase()} status`,
    description: `${CLASS_WORDS[klass]} concerning ${about.replace(/\.$/, '')}; detail ${detail} is not registered.`,
    registered: false,
  };
}

function buildTable(): ReadonlyMap<string, EnhancedCodeInfo> {
  const table = new Map<string, EnhancedCodeInfo>();
  for (const [digit, klass] of Object.entries(CLASSES)) {
    for (const key of DETAILS.keys()) {
      const [subject, detail] = key.split('.').map(Number) as [number, number];
      const code = `${digit}.${key}`;
      table.set(code, info(code, klass, subject, detail));
    }
  }
  return table;
}

/**
 * Every registered enhanced status code in each class (`2.1.5`, `4.1.5`, `5.1.5`, ...), keyed by
 * its text. A registered subject.detail is listed in all three classes, as RFC 3463 defines it.
 */
export const enhancedCodes: ReadonlyMap<string, EnhancedCodeInfo> = buildTable();

/**
 * Describes an enhanced status code. Registered codes get their own text; others get one built
 * from the class and subject (`registered: false`). Returns `undefined` for text that is not
 * `class.subject.detail` with class 2, 4 or 5 and one to three digits each.
 *
 * @example
 * ```ts
 * describeEnhancedCode('5.1.1')?.title;      // 'Bad destination mailbox address'
 * describeEnhancedCode('4.7.999')?.registered; // false
 * ```
 */
export function describeEnhancedCode(code: string): EnhancedCodeInfo | undefined {
  const known = enhancedCodes.get(code);
  if (known !== undefined) return known;
  const match = SHAPE.exec(code);
  if (match === null) return undefined;
  const klass = CLASSES[match[1] as string] as EnhancedClass;
  return info(code, klass, Number(match[2]), Number(match[3]));
}
