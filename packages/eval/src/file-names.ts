/** The file-name stem of one system's name: unsafe characters become `_`. */
export function systemFileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "run";
}

/**
 * One file-name stem per system, shared by its `--run-out` run (`<stem>.run`) and its
 * `--calibration-out` profile (`<stem>.calibration.json`): two systems that would map to one stem
 * (`cohere:a/b` and `cohere:a_b`, or names differing only in case on a case-blind disk) get `-2`,
 * `-3`… so neither overwrites the other. Give every system's name, in report order, so both
 * outputs number the same way.
 */
export function systemFileStems(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    const base = systemFileStem(name);
    let stem = base;
    for (let n = 2; taken.has(stem.toLowerCase()); n++) stem = `${base}-${n}`;
    taken.add(stem.toLowerCase());
    out.set(name, stem);
  }
  return out;
}

/** `<stem>.run` for each system: see {@link systemFileStems}. */
export function runFileNames(names: readonly string[]): Map<string, string> {
  return new Map([...systemFileStems(names)].map(([name, stem]) => [name, `${stem}.run`]));
}
