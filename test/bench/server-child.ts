/** Child-process entry of the bench server: listens on an ephemeral loopback port, reports it, exits with its parent. */
import type { AddressInfo } from "node:net";
import { createBenchServer, type BenchServerOptions } from "./server.js";

const options = JSON.parse(process.argv[2] ?? "{}") as BenchServerOptions;
const server = createBenchServer(options);
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
// The parent going away (even by a crash) ends the server: no stray listeners on a shared machine.
process.on("disconnect", () => process.exit(0));
