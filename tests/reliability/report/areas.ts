/** One area of the suite: a file in `checks/`, its title in the report and what it proves. */
export interface Area {
  /** The file name in `checks/`. */
  readonly file: string;
  readonly title: string;
  readonly proves: string;
}

/** The areas, in the order the report shows them. */
export const AREAS: readonly Area[] = [
  {
    file: 'smuggling.test.ts',
    title: 'Smuggling corpus',
    proves:
      'Every end-of-data and line-ending variant known from CVE-2023-51764/51765/51766 and the published ' +
      'SMTP smuggling research, sent over real sockets whole, byte by byte and in random pieces, with a ' +
      'second transaction hidden behind it. Strict mode: `521 5.5.2`, the connection closes, nothing is ' +
      'stored, the hidden commands never reach the server. Lenient mode: at most one message, stored as ' +
      'sent (only `<CRLF>.<CRLF>` ends it), the hidden commands never run. The client never puts a bare CR ' +
      'or LF, or an early terminator, on the wire.',
  },
  {
    file: 'limits.test.ts',
    title: 'Limits',
    proves:
      'Each limit is answered with the reply of the server-behaviour contract, and after each one a fresh ' +
      'client still delivers a message byte-exact and the server reported no error.',
  },
  {
    file: 'slow-idle.test.ts',
    title: 'Slow and idle clients',
    proves:
      'A server process holding idle connections and a client trickling one byte per second keeps ' +
      'delivering normal messages within a second; the idle timeout closes the silent ones with ' +
      '`421 4.4.2` (mid-DATA ones too, storing nothing), and the process returns to its file-descriptor ' +
      'baseline.',
  },
  {
    file: 'faults-cut.test.ts',
    title: 'Faults: connections cut at a random byte',
    proves:
      'A property test (fast-check): a random session is cut at a random byte, by half-close (FIN) or reset ' +
      '(RST). The Maildir then holds exactly the messages that got a `250`, byte-exact, and nothing else; ' +
      '`tmp/` is empty.',
  },
  {
    file: 'faults-store.test.ts',
    title: 'Faults: a store that fails or stalls',
    proves:
      'A Maildir store with faults injected at open, write and end — exceptions, rejections, SMTP ' +
      'refusals, stalls past `storeTimeout` — answers `450`/`451`/`452` as the fault says, loses nothing ' +
      'acknowledged, keeps no partial message and leaves `tmp/` empty.',
  },
  {
    file: 'faults-kill.test.ts',
    title: 'Faults: kill -9 during Maildir writes',
    proves:
      '`smtp serve --maildir` is killed with SIGKILL while messages are being written; a restart removes ' +
      'the partial files from `tmp/`, and `new/` holds every acknowledged message, complete and byte-exact, ' +
      'and nothing partial.',
  },
  {
    file: 'tls.test.ts',
    title: 'STARTTLS and TLS',
    proves:
      'Commands injected behind `STARTTLS` are never executed (server side); a reply injected behind the ' +
      'server’s `220` is never read (client side); broken handshakes, plaintext on a TLS port and ' +
      'certificates that do not match leave nothing delivered and the server healthy.',
  },
  {
    file: 'fuzz-session.test.ts',
    title: 'Fuzzing @smtp/session',
    proves:
      'Random and mutated client streams, split at random, into the sans-IO session under several ' +
      'policies: no exception escapes, every write is exactly one well-formed SMTP reply, nothing ' +
      'happens after close, and the heap is back to its size after the campaign.',
  },
  {
    file: 'fuzz-codec.test.ts',
    title: 'Fuzzing the codec parsers',
    proves:
      'Random and mutated bytes into every parser of @smtp/codec: results or error values, never an ' +
      'exception; streaming parsers give the same result however the input is split.',
  },
  {
    file: 'fuzz-transcript.test.ts',
    title: 'Fuzzing the transcript parser',
    proves:
      'Random and mutated `.smtp` texts: the parser always returns a file with diagnostics, never throws, ' +
      'and every source range lies inside the text.',
  },
  {
    file: 'soak.test.ts',
    title: 'Soak',
    proves:
      'Concurrent random sessions against a server process for a fixed time: no error, every acknowledged ' +
      'message stored byte-exact, and the process’s open file descriptors and heap back to their ' +
      'baseline afterwards.',
  },
];
