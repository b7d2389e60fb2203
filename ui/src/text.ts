// Small helpers for the words the window writes.

/** `1 wire`, `2 wires`: a count with its noun, plural when it is not one. */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
