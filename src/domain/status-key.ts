/**
 * A skip by nobody: a touch closed as missed (a later one of its series made it pointless,
 * superseded-touches.ts), not one someone skipped. The reports count it as missed.
 */
export function closedAsMissed(touch: { readonly status: string; readonly resolved_by?: string | null }): boolean {
  return touch.status === 'skipped' && touch.resolved_by === null;
}

/** The catalogue key of a touch's status as people read it ("closed as missed" for closedAsMissed). */
export function statusKey(touch: { readonly status: string; readonly resolved_by?: string | null }): 'status.planned' | 'status.done' | 'status.skipped' | 'status.cancelled' | 'status.closedMissed' | undefined {
  if (closedAsMissed(touch)) return 'status.closedMissed';
  return touch.status === 'planned' || touch.status === 'done' || touch.status === 'skipped' || touch.status === 'cancelled' ? `status.${touch.status}` : undefined;
}
