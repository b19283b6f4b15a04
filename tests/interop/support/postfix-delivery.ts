/**
 * Reading what Postfix's virtual(8) delivered: one Maildir file per recipient, each starting with
 * Return-Path, X-Original-To, Delivered-To and Postfix's Received field (whose `with` keyword
 * tells TLS and AUTH apart, RFC 3848), then the message with LF line ends.
 */
import { afterTraceHeaders } from './maildir.js';

/** One recipient's copy. */
export interface PostfixCopy {
  readonly name: string;
  readonly queueId: string;
  /** The envelope sender (latin1 text of its octets). */
  readonly from: string;
  readonly to: string;
  /** The `with` protocol of the Received field: ESMTP, ESMTPS, ESMTPSA, UTF8SMTPS… */
  readonly protocol: string;
  /** The user of `(Authenticated sender: …)`, when present. */
  readonly user: string | null;
  /** The header lines Postfix put first. */
  readonly trace: string;
  /** The message as stored (LF line ends). */
  readonly message: string;
}

/** One message Postfix finished with: every recipient's copy. */
export interface PostfixDelivery {
  readonly queueId: string;
  readonly copies: readonly PostfixCopy[];
}

/** Parses one Maildir file Postfix wrote, or returns undefined for a file of another shape. */
export function parseCopy(name: string, text: string): PostfixCopy | undefined {
  const { trace, message } = afterTraceHeaders(text);
  const from = /^Return-Path: <([^>]*)>$/m.exec(trace)?.[1];
  const to = /^Delivered-To: (.*)$/m.exec(trace)?.[1];
  const received = /\bwith (\S+) id ([0-9A-Za-z]+)/.exec(trace);
  if (from === undefined || to === undefined || received === null) return undefined;
  return {
    name,
    queueId: received[2] as string,
    from,
    to,
    protocol: received[1] as string,
    user: /\(Authenticated sender: ([^)]+)\)/.exec(trace)?.[1] ?? null,
    trace,
    message,
  };
}

/** Groups the copies by queue id, keeping only messages the log says Postfix has removed (finished). */
export function groupDeliveries(
  files: readonly { name: string; text: string }[],
  log: string,
): PostfixDelivery[] {
  const groups = new Map<string, PostfixCopy[]>();
  for (const file of files) {
    const copy = parseCopy(file.name, file.text);
    if (copy === undefined) continue;
    groups.set(copy.queueId, [...(groups.get(copy.queueId) ?? []), copy]);
  }
  return [...groups]
    .filter(([queueId]) => log.includes(`${queueId}: removed`))
    .map(([queueId, copies]) => ({ queueId, copies }));
}

/** Whether the Received protocol says TLS (RFC 3848: ESMTPS, ESMTPSA, UTF8SMTPS…). */
export const overTls = (protocol: string): boolean => /SMTPSA?$/.test(protocol);
