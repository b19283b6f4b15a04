import type { Reply, SmtpError } from '@smtp/codec';

/** What the server said about one recipient. */
export type RecipientResult =
  | {
      /** The recipient address as given. */
      readonly address: string;
      readonly accepted: true;
      /** The server's reply to `RCPT` (in LMTP: the reply after the message for this recipient). */
      readonly reply: Reply;
    }
  | {
      readonly address: string;
      readonly accepted: false;
      /** The refusal, with its code, enhanced code, text, command and phase. */
      readonly error: SmtpError;
    };

/** The outcome of a message the server accepted for at least one recipient. */
export interface SendResult {
  /** Addresses the server accepted, in the order given. */
  readonly accepted: readonly string[];
  /** Addresses the server refused, each with its refusal. */
  readonly rejected: readonly { readonly address: string; readonly error: SmtpError }[];
  /** One result per recipient, in the order given. */
  readonly recipients: readonly RecipientResult[];
  /** The server's reply after the message (the last one in LMTP). */
  readonly reply: Reply;
  /** Octets of the message as sent on the wire after `DATA` / in `BDAT` chunks. */
  readonly wireOctets: number;
  /** How the body went: `DATA` (dot-stuffed) or `BDAT` chunks. */
  readonly transfer: 'DATA' | 'BDAT';
}
