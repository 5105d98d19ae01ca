/**
 * Quoting input in messages. Ids and names from a dataset reach the terminal through error
 * messages; a control character there could retitle or clear the terminal, or write the clipboard
 * (OSC 52). Every message that quotes input goes through {@link quote}; every text the HTML report
 * writes, through {@link esc}.
 */

// JSON.stringify escapes C0 controls, `"` and `\`; DEL and the C1 controls (0x9b is a one-byte CSI
// on some terminals) and the Unicode line and paragraph separators pass through it, so those are
// escaped here too.
const EXTRA = /[\u007f-\u009f\u2028\u2029]/g;

/** `text` in double quotes, with every control character escaped (`\u001b`, `\n`, …). */
export function quote(text: string): string {
  return JSON.stringify(text).replace(EXTRA, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// Matching control characters is the point of these two patterns.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finds the C0 and C1 controls to escape them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an id with a control character is refused
const UNSAFE_IN_ID = /[\s\u0000-\u001f\u007f-\u009f]/g;

/** Escapes control characters in a message that may hold input (no quotes added). */
export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Whether `id` can be written to a TREC run or qrels line: not empty, no whitespace, no control character. */
export function isSafeId(id: string): boolean {
  UNSAFE_IN_ID.lastIndex = 0;
  return id !== "" && !UNSAFE_IN_ID.test(id);
}

/** `text` with every run of whitespace or control characters replaced by `_` (a TREC run tag). */
export function safeToken(text: string): string {
  return text.replace(UNSAFE_IN_ID, "_").replace(/_+/g, "_");
}

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}
