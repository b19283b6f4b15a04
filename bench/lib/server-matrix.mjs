/**
 * Builds server-cell contenders: every available server kind × every scenario, each driven by
 * smtp-source. A contender's `run()` sends one batch (sized so that a batch takes a fraction of
 * a second on the slowest server; the driver repeats it to fill a measurement), `cpu()` is the
 * server group's CPU, and smtp-source's own CPU per message is recorded for the notes.
 */
import { childrenCpuSeconds } from './processes.mjs';
import { SERVERS, unavailable } from './servers.mjs';
import { runSource } from './smtp-source.mjs';

/** A scenario: `{ key, label, sessions, bytes, reuse, batch }`. */
export function scenario(key, label, sessions, bytes, reuse, batch) {
  return { key, label, sessions, bytes, reuse, batch };
}

/**
 * Starts the servers (those whose peers are missing go to `skipped`) and returns the contenders
 * (key `<server> <scenario>`). With `batchSeconds`, each contender first sends `scene.batch`
 * messages to find its rate, and its batch becomes what it takes in about that long.
 */
export async function serverContenders({ kinds, scenarios, peers, log, batchSeconds }) {
  const skipped = [];
  const servers = [];
  for (const kind of kinds) {
    const reason = unavailable(kind, peers);
    if (reason !== undefined) {
      skipped.push({ label: SERVERS[kind].label, reason });
      continue;
    }
    try {
      servers.push({ kind, label: SERVERS[kind].label, ...(await SERVERS[kind].start(peers)) });
    } catch (error) {
      skipped.push({
        label: SERVERS[kind].label,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const sourceCpu = new Map();
  const contenders = [];
  for (const scene of scenarios) {
    for (const server of servers) {
      const key = `${server.kind} ${scene.key}`;
      let batch = scene.batch;
      const contender = {
        key,
        label: `${server.label}: ${scene.label}`,
        cpu: server.cpu,
        reset: server.reset,
        run: async () => {
          const before = childrenCpuSeconds();
          const count = await runSource(server.port, {
            sessions: scene.sessions,
            messages: batch,
            bytes: scene.bytes,
            reuse: scene.reuse,
          }).catch((error) => {
            throw new Error(`${server.label}, ${scene.label}: ${error.message}; server: ${server.errors()}`);
          });
          const entry = sourceCpu.get(key) ?? { seconds: 0, messages: 0 };
          entry.seconds += childrenCpuSeconds() - before;
          entry.messages += count;
          sourceCpu.set(key, entry);
          return count;
        },
      };
      if (batchSeconds !== undefined) {
        // One small batch says how fast this server takes this load; the real batch then lasts
        // about batchSeconds (so smtp-source's start is a small part of it, and a slow server's
        // batch stays short). This first run also warms the server for the load.
        const started = performance.now();
        const count = await contender.run();
        const rate = count / Math.max(1e-3, (performance.now() - started) / 1000);
        batch = Math.max(scene.sessions, Math.min(scene.batch * 20, Math.round(rate * batchSeconds)));
      }
      contenders.push(contender);
    }
  }
  log(`servers: ${servers.map((s) => `${s.label} :${s.port}`).join(', ')}`);
  return {
    servers,
    contenders,
    skipped,
    /** smtp-source's CPU µs per message while driving `key`. */
    sourceMicros(key) {
      const entry = sourceCpu.get(key);
      return entry === undefined || entry.messages === 0 ? undefined : (entry.seconds / entry.messages) * 1e6;
    },
    async stop() {
      for (const server of servers) await server.stop();
    },
  };
}
