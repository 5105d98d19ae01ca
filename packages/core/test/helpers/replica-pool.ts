/** ReplicaPools for the policy tests: `n` made-up replicas (a.localhost, b.localhost, …) on an injected clock. */
import { ReplicaPool } from "../../src/policy/replicas.js";

/** The endpoints of `n` replicas named a, b, c, … */
export function replicaEndpoints(n: number) {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i)).map((h) => ({
    origin: `http://${h}.localhost`,
    path: "/v1/rerank",
    baseURL: `http://${h}.localhost/v1`,
    url: `http://${h}.localhost/v1/rerank`,
  }));
}

/** A pool of `n` replicas whose clock is `c.t` (milliseconds), moved by the test. */
export function poolOnClock(n: number, coolDownMs = 1000) {
  const c = { t: 0 };
  const pool = new ReplicaPool(replicaEndpoints(n), coolDownMs, () => c.t);
  return { c, pool };
}
