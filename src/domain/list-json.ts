/**
 * A touch's lists (its contacts, its reminders) as JSON, each distinct list serialised once. The
 * planner shares a list among every touch of a unit (a few per client); the rows a plan saves and
 * the JSON it prints both take each list's text from here, so it is made once, not once per use.
 * Weak, so it holds nothing the plan no longer does and is never emptied (a Map emptied past
 * 100,000 lists made a 50,000-client company serialise most of them again for every touch).
 * (Keeping the text on the list under a symbol was no faster: the time is in reaching 150,000
 * lists in the plan's order, not in the lookup.)
 */
const jsonOf = new WeakMap<readonly unknown[], string>();

export function listJson(list: readonly unknown[]): string {
  let json = jsonOf.get(list);
  if (json === undefined) {
    json = JSON.stringify(list);
    jsonOf.set(list, json);
  }
  return json;
}
