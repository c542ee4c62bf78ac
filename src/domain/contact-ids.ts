/**
 * A touch's contact ids from their JSON list as stored (`contact_ids`); none when the text is not
 * such a list — a row written by hand or by an older version decides nothing by itself.
 */
export function contactIdsIn(json: string): string[] {
  try {
    const ids: unknown = JSON.parse(json);
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
