/** Why a connection was turned away, or `accepted`. */
export type AdmissionResult = 'accepted' | 'server-full' | 'address-full';

/** Limits of {@link ConnectionLimiter}; 0 means no limit. */
export interface ConnectionLimits {
  /** Connections open at once, overall. */
  readonly maxConnections: number;
  /** Connections open at once from one client address. */
  readonly maxConnectionsPerAddress: number;
}

/**
 * Counts open connections overall and per client address. Admission happens in two steps because
 * behind a load balancer the client address is only known once the PROXY header has been read:
 * {@link admit} at accept time, {@link admitAddress} once the address is known.
 */
export class ConnectionLimiter {
  readonly #limits: ConnectionLimits;
  readonly #perAddress = new Map<string, number>();
  #open = 0;

  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  /** Connections currently admitted. */
  get open(): number {
    return this.#open;
  }

  /** Admits one more connection overall, or says the server is full. */
  admit(): AdmissionResult {
    if (this.#limits.maxConnections > 0 && this.#open >= this.#limits.maxConnections) return 'server-full';
    this.#open++;
    return 'accepted';
  }

  /** Releases a connection admitted by {@link admit}. */
  release(): void {
    this.#open--;
  }

  /** Admits one more connection from `address`, or says that address has too many. */
  admitAddress(address: string): AdmissionResult {
    const current = this.#perAddress.get(address) ?? 0;
    const limit = this.#limits.maxConnectionsPerAddress;
    if (limit > 0 && current >= limit) return 'address-full';
    this.#perAddress.set(address, current + 1);
    return 'accepted';
  }

  /** Releases a connection admitted by {@link admitAddress}. */
  releaseAddress(address: string): void {
    const current = this.#perAddress.get(address) ?? 0;
    if (current <= 1) this.#perAddress.delete(address);
    else this.#perAddress.set(address, current - 1);
  }

  /** Connections currently admitted from `address`. */
  openFrom(address: string): number {
    return this.#perAddress.get(address) ?? 0;
  }
}
