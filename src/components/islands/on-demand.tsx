// An island that takes over a server-rendered copy when someone starts to use
// it (client:interaction), not at page load (decision 037). The wrapper renders
// nothing on the server, so nothing is drawn twice; when it hydrates, `read`
// notes what the reader already did on the server's copy (a value chosen,
// text typed, the focused control) and the island starts from there.
import { useEffect, useState, type ComponentType } from 'react';

export function onDemand<P extends object, T>(Island: ComponentType<P & { takeover: T }>, read: (doc: Document) => T) {
  return function OnDemand(props: P) {
    const [takeover, setTakeover] = useState<{ value: T } | null>(null);
    useEffect(() => setTakeover({ value: read(document) }), []);
    return takeover ? <Island {...props} takeover={takeover.value} /> : null;
  };
}

/** The id of the focused element when it lies inside `container`, else null. */
export function focusedIn(doc: Document, container: string): string | null {
  const active = doc.activeElement as HTMLElement | null;
  return active?.id && active.closest(container) ? active.id : null;
}
