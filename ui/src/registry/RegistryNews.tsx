import type { RegistryBadge } from "../graph/model";

/** What a registry node's registry said last: something newer stands out; a registry that could
 * not be asked is muted (offline is normal). `full` shows the registry's own words. */
export function RegistryNews(props: { badge: RegistryBadge; full?: boolean }) {
  const { newer, unreachable } = props.badge;
  if (newer) {
    return (
      <span className="registry-newer" data-testid="registry-newer" title={newer}>
        newer: {newer}
      </span>
    );
  }
  if (unreachable) {
    return (
      <span className="registry-unreachable" data-testid="registry-unreachable" title={unreachable}>
        {props.full ? unreachable : "registry not reachable"}
      </span>
    );
  }
  return null;
}

/** A node card's line: where its component came from, and what its registry said. */
export function RegistryLine(props: { badge: RegistryBadge }) {
  return (
    <div className="cnode-registry">
      <span className="registry-badge" data-testid="registry-badge" title={props.badge.title}>
        ⬇ {props.badge.label}
      </span>
      <RegistryNews badge={props.badge} />
    </div>
  );
}
