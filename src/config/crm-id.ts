/**
 * A CRM's own code as a touchbase id: 1C writes "НФ-000123" and "ЦБ 000127", HubSpot and
 * Pipedrive "CMP-125", none of them `[a-z0-9][a-z0-9_-]*`. An export's id cell that is not an
 * id is written as one: lower case, Cyrillic letters in Latin ones, Romanian and other Latin
 * letters without their marks, anything else a "-" (`nf-000123`, `cb-000127`, `cmp-125`).
 *
 * The table is ours and fixed, not a library's: a touch's id is made from its client's, so an
 * id that came out otherwise after an upgrade would be another client, its touches written
 * into calendars a second time. Change nothing here; add only letters that had no place.
 */
const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian and Belarusian letters of names a Moldovan or Russian CRM may hold.
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'u',
};

const ID = /^[a-z0-9][a-z0-9_-]*$/;
const MAX_ID = 100;

/** The id a CRM's code is written as, or undefined when nothing of it is left (a cell of punctuation). */
export function crmIdOf(code: string): string | undefined {
  let out = '';
  for (const ch of code.trim().toLowerCase()) {
    const cyrillic = CYRILLIC[ch];
    if (cyrillic !== undefined) out += cyrillic;
    else if (/[a-z0-9_-]/.test(ch)) out += ch;
    else {
      // ș → s, ă → a, é → e: the letter without its marks, when it is a Latin one.
      const bare = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += /^[a-z]$/.test(bare) ? bare : '-';
    }
  }
  const id = out.replace(/-{2,}/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return id !== '' && id.length <= MAX_ID && ID.test(id) ? id : undefined;
}

/** Whether a cell is already an id as written (then it is read unchanged). */
export function isId(cell: string): boolean {
  return cell.length <= MAX_ID && ID.test(cell);
}
