import type { ProxyHeader } from './proxy-protocol.js';

/** What the server knows about a client's connection and session; hooks and stores receive it. */
export interface SessionInfo {
  /** Unique within this server process, for logs (`S1`, `S2`, …). */
  readonly id: string;
  /**
   * The client's IP address: the one the PROXY header names when the server reads one (that is
   * what hooks and per-address limits see), else the socket's peer address.
   */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The address and port the client connected to (as the PROXY header says, when there is one). */
  readonly localAddress: string;
  readonly localPort: number;
  /** The PROXY protocol header the connection started with, when the server reads them. */
  readonly proxy: ProxyHeader | undefined;
  /** The name the client gave in `EHLO`/`HELO`/`LHLO`, once it has given one. */
  readonly helo: string | undefined;
  /** Whether the connection is encrypted (implicit TLS, or after `STARTTLS`). */
  readonly tls: boolean;
  /** The user the client authenticated as, once it has. */
  readonly authenticatedAs: string | undefined;
}
