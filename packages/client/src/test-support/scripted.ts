import { fromUtf8, utf8 } from '@smtp/codec';
import { ClientCore } from '../core.js';
import type { ClientCoreOptions, CoreEvent } from '../core-types.js';
import { TraceWriter } from '../trace-writer.js';

/** A {@link ClientCore} driven by hand: feed server text, read what the client wrote and what it reported. */
export interface Scripted {
  readonly core: ClientCore;
  /** Transcript lines written so far (when traced). */
  readonly trace: string[];
  /** Feeds server text (CRLF line ends written out). */
  server(text: string): void;
  /** What the client wrote since the last call, as text. */
  client(): string;
  /** Events since the last call. */
  events(): CoreEvent[];
  /** Event types since the last call. */
  eventTypes(): string[];
}

/** Builds a scripted core; `traced` adds a trace writer collecting lines. */
export function scripted(options: Partial<ClientCoreOptions> = {}, traced = false): Scripted {
  const trace: string[] = [];
  const core = new ClientCore({
    clientName: 'client.example.test',
    ...options,
    ...(traced ? { trace: new TraceWriter((line) => trace.push(line)) } : {}),
  });
  return {
    core,
    trace,
    server(text) {
      core.receive(utf8(text));
    },
    client() {
      return core
        .takeOutput()
        .map((bytes) => fromUtf8(bytes))
        .join('');
    },
    events() {
      return core.takeEvents();
    },
    eventTypes() {
      return core.takeEvents().map((event) => event.type);
    },
  };
}

/** Greets and answers EHLO with these extension lines, leaving the core ready. */
export function readyCore(
  extensions: readonly string[],
  options: Partial<ClientCoreOptions> = {},
  traced = false,
): Scripted {
  const s = scripted(options, traced);
  s.server('220 mx.example.test ESMTP\r\n');
  s.client();
  s.server(ehloReply(extensions));
  s.client();
  s.events();
  return s;
}

/** An EHLO reply offering these extensions. */
export function ehloReply(extensions: readonly string[]): string {
  const lines = ['mx.example.test greets you', ...extensions];
  return lines.map((line, i) => `250${i === lines.length - 1 ? ' ' : '-'}${line}\r\n`).join('');
}
