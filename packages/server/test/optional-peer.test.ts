/** importOptionalPeer: a missing peer becomes the error that says what to install; other failures pass through. */
import { describe, expect, it } from "vitest";
import { importOptionalPeer } from "../src/cli/optional-peer.js";

describe("importOptionalPeer", () => {
  it("returns the module when it is installed", async () => {
    const path = await importOptionalPeer<typeof import("node:path")>("node:path", () => new Error("missing"));
    expect(path.join("a", "b")).toBe("a/b");
  });

  it("a package that is not installed is the caller's error", async () => {
    await expect(importOptionalPeer("@rerankit/not-a-package", () => new RangeError("npm install it"))).rejects.toThrow(
      new RangeError("npm install it"),
    );
  });

  it("a module that fails while loading is rethrown as it is", async () => {
    const broken = `data:text/javascript,${encodeURIComponent('throw new TypeError("broken peer")')}`;
    await expect(importOptionalPeer(broken, () => new Error("missing"))).rejects.toThrow(/broken peer/);
  });
});
