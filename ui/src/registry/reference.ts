// Registry references as the window shows them: short on a node card, and the name a pulled
// component's node gets. The engine parses references; these only shorten what it returned.

/** The last segment of `reference` with its tag, without a digest: `string-operations:0.1.0` for
 * `ghcr.io/owner/string-operations:0.1.0`; a package name (`namespace:name@1.0.0`) as it is. */
export function shortReference(reference: string): string {
  const last = reference.slice(reference.lastIndexOf("/") + 1);
  return last.replace(/@[a-z0-9]+:[0-9a-f]+$/i, "");
}

/** The component's name in `reference`: `string-operations` for
 * `ghcr.io/owner/string-operations:0.1.0`, `name` for `namespace:name@1.0.0`. */
export function referenceName(reference: string): string {
  const short = shortReference(reference);
  if (reference.includes("/")) return short.split(":")[0] ?? short;
  const pkg = short.split("@")[0] ?? short;
  return pkg.slice(pkg.indexOf(":") + 1);
}
