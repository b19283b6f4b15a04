/**
 * The text of a recording: a header that says how to replay it (and which secrets to set),
 * then one `@connect` block per session, in the order the clients connected.
 */
import type { SecretNote } from './auth-template.js';
import type { RecordedEnding } from './session-recorder.js';

/** One session as recorded. */
export interface RecordedSession {
  /** 0-based, in order of connection. */
  readonly index: number;
  /** The client's address, `host:port`. */
  readonly client: string;
  /** Transcript lines, without line ends. */
  readonly lines: readonly string[];
  /** The session went through STARTTLS. */
  readonly usedStartTls: boolean;
  readonly ending: RecordedEnding;
}

/** What a recording file is made of. */
export interface Recording {
  /** The server the sessions went to, `host:port` (each session connects there on replay). */
  readonly upstream: string;
  readonly sessions: readonly RecordedSession[];
  /** Environment variables standing for secrets. */
  readonly secrets: readonly SecretNote[];
}

/** The recording as a `.smtp` file (LF line ends, a final newline). */
export function formatRecording(recording: Recording): string {
  const { upstream, secrets } = recording;
  const sessions = [...recording.sessions].sort((a, b) => a.index - b.index);
  const out = [
    `# Recorded by smtp record: what clients and the server ${upstream} said, session by session.`,
    `# Replay: smtp run THIS-FILE (each session connects to ${upstream}), or add --server HOST:PORT.`,
    '# Reply texts that change from run to run (greeting, queue ids, random challenges) are written as *.',
  ];
  if (secrets.length > 0) {
    out.push(
      '# Secrets were not recorded. Before replaying, set these environment variables',
      '# (or write them in a .env file beside this one):',
      ...secrets.map((note) => `#   ${note.variable}: ${note.meaning}`),
    );
  }
  if (sessions.some((session) => session.usedStartTls)) {
    out.push(
      '',
      "# The recorder did not check the server's certificate after STARTTLS; neither does the replay.",
      '@tls insecure',
    );
  }
  if (sessions.length === 0) out.push('', '# No session was recorded.');
  for (const session of sessions) {
    out.push(
      '',
      `# Session ${session.index + 1}: client ${session.client}`,
      `@connect ${upstream}`,
      ...session.lines,
    );
  }
  return `${out.join('\n')}\n`;
}
