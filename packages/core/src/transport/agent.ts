/**
 * The Agent a client owns: a cap on sockets per origin, and connection attempts that live only as
 * long as a call is waiting for them.
 *
 * undici's connect timeout is one fixed number per Agent (10 s by default), and a request aborted
 * while its socket is still connecting leaves the attempt running. Against an origin that accepts
 * no connections, 1,000 calls with 300 ms deadlines would leave 1,000 attempts pending for 10 s.
 * Here each attempt is bounded by the latest deadline among the calls waiting on that origin when
 * it starts, and is dropped as soon as no call is waiting on that origin at all. Hand-written: undici
 * has no per-request connect timeout, and its connector hook is the documented place for this.
 */
import type { Socket } from "node:net";
import { Agent, buildConnector, errors } from "undici";

/**
 * Whether this undici is the real one. Bun answers `import "undici"` with a built-in stand-in
 * whose Agent has no `dispatch()`: the client then uses the runtime's fetch instead (found by
 * test/runtimes/runtimes.test.ts under real Bun).
 */
export const undiciDispatches = typeof Agent?.prototype?.dispatch === "function" && typeof buildConnector === "function";

/** undici's own default connect timeout: the longest any attempt may take. */
const CONNECT_TIMEOUT_MS = 10_000;
/** How long past the latest waiting deadline an attempt may run (the calls' own deadlines fire first). */
const DEADLINE_GRACE_MS = 250;

interface OriginWaiters {
  /** Sends in flight to this origin. */
  waiting: number;
  /** The latest deadline (`performance.now()` time) among them since the count was last zero. */
  latest: number;
  /** Sockets still connecting to this origin. */
  connecting: Set<Socket>;
}

export interface OwnedAgent {
  agent: Agent;
  /** Marks one send to `origin` as waiting until the returned function is called. */
  track(origin: string, deadline: number | undefined): () => void;
}

export function createOwnedAgent(connectionsPerOrigin: number): OwnedAgent {
  const origins = new Map<string, OriginWaiters>();
  const base = buildConnector({ timeout: CONNECT_TIMEOUT_MS });

  const connect: buildConnector.connector = (options, callback) => {
    const origin = `${options.protocol}//${options.host ?? options.hostname}`;
    const waiters = origins.get(origin);
    if (waiters !== undefined && waiters.waiting === 0) {
      // undici connects for requests still queued in the pool after their calls gave up (it only
      // learns of an abort once a request is written). Nobody waits: fail at once, no socket opened.
      process.nextTick(callback, new errors.ConnectTimeoutError(`connect skipped: no call is waiting on ${origin}`), null);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let socket: Socket | undefined;
    socket = base(options, (error, connected) => {
      if (timer !== undefined) clearTimeout(timer);
      if (socket !== undefined) waiters?.connecting.delete(socket);
      if (error) callback(error, null);
      else callback(null, connected!);
    }) as unknown as Socket | undefined;
    if (socket === undefined || waiters === undefined || socket.destroyed) return;
    waiters.connecting.add(socket);
    // A moment past the deadline, so that a call's own deadline (RerankTimeoutError) reports first.
    const left = waiters.latest + DEADLINE_GRACE_MS - performance.now();
    if (left < CONNECT_TIMEOUT_MS) {
      const pending = socket;
      timer = setTimeout(
        () => pending.destroy(new errors.ConnectTimeoutError(`connect timed out: no call waiting on ${options.host} has time left`)),
        Math.max(1, Math.ceil(left)),
      );
      timer.unref();
    }
  };

  const agent = new Agent({ connections: connectionsPerOrigin, keepAliveTimeout: 10_000, connect });

  return {
    agent,
    track(origin, deadline) {
      let waiters = origins.get(origin);
      if (waiters === undefined) {
        waiters = { waiting: 0, latest: Number.NEGATIVE_INFINITY, connecting: new Set() };
        origins.set(origin, waiters);
      }
      const w = waiters;
      w.waiting++;
      const until = deadline ?? Number.POSITIVE_INFINITY;
      if (until > w.latest) w.latest = until;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--w.waiting > 0) return;
        w.latest = Number.NEGATIVE_INFINITY;
        if (w.connecting.size === 0) return;
        const stale = [...w.connecting];
        w.connecting.clear();
        for (const s of stale) s.destroy(new errors.ConnectTimeoutError(`connect abandoned: no call is waiting on ${origin}`));
      };
    },
  };
}
