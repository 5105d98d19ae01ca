/**
 * Request checks that run before a body is read: the `Authorization` header, the `Host` header
 * (DNS rebinding) and the content type (cross-origin "simple" requests). Each is a plain scan of
 * a bounded header, never a backtracking pattern.
 */
import { isIP } from "node:net";

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined when the header is missing or
 * of another scheme. Hand-written with `trim` and `slice` (linear time): the pattern it replaces,
 * `/^\s*bearer\s+(.+?)\s*$/i`, backtracks quadratically on `Bearer x` + thousands of spaces + `y`.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value.length < 8 || value.slice(0, 6).toLowerCase() !== "bearer") return undefined;
  // The scheme must be followed by whitespace (the same characters `trim` removes).
  if (value[6]!.trim() !== "") return undefined;
  const token = value.slice(7).trim();
  return token === "" ? undefined : token;
}

/**
 * `application/json` or any `application/*+json`, with optional parameters (`; charset=utf-8`).
 * Browsers send a cross-origin POST without asking first (no CORS preflight) only with
 * `text/plain`, `multipart/form-data`, `application/x-www-form-urlencoded` or no content type at
 * all; requiring JSON makes any other site's page ask first, and this server never says yes.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(";");
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json") && !type.includes(" "));
}

/** Which `Host` names a server accepts: see `RerankServerOptions.allowedHosts`. */
export type AllowedHosts = readonly string[] | "any";

/**
 * The host name of a `Host` header (lower case, no port, no brackets, no trailing dot), or
 * undefined when the header is malformed.
 */
export function hostName(header: string): string | undefined {
  let name: string;
  let rest: string;
  if (header.startsWith("[")) {
    const close = header.indexOf("]");
    if (close === -1) return undefined;
    name = header.slice(1, close);
    rest = header.slice(close + 1);
  } else {
    const colon = header.lastIndexOf(":");
    name = colon === -1 ? header : header.slice(0, colon);
    rest = colon === -1 ? "" : header.slice(colon);
  }
  if (rest !== "" && !/^:[0-9]{1,5}$/.test(rest)) return undefined;
  name = name.toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  return name === "" ? undefined : name;
}

/**
 * Whether a request's `Host` may be served. Like vite's `server.allowedHosts`: `localhost`,
 * `*.localhost`, any IP address (a DNS-rebinding page always reaches the server under a domain
 * name, never an IP literal), the name the server was started with, and the configured names
 * (an entry starting with `.` also allows every subdomain). A request with no `Host` at all (an
 * HTTP/1.0 client, never a browser) is served.
 */
export function isAllowedHost(header: string | undefined, boundHost: string, allowed: AllowedHosts): boolean {
  if (allowed === "any" || header === undefined) return true;
  const name = hostName(header);
  if (name === undefined) return false;
  if (name === "localhost" || name.endsWith(".localhost") || isIP(name) !== 0) return true;
  if (name === boundHost.toLowerCase().replace(/^\[|\]$/g, "")) return true;
  for (const entry of allowed) {
    const e = entry.toLowerCase();
    if (e === name) return true;
    if (e.startsWith(".") && (name === e.slice(1) || name.endsWith(e))) return true;
  }
  return false;
}
