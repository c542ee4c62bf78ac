import { describe, expect, it } from 'vitest';
import { crmIdOf } from '../../src/config/crm-id.ts';

describe('a CRM code as an id (crm-id.ts)', () => {
  it('is the same letter for letter, forever: a touch id is made from it', () => {
    expect(crmIdOf('абвгдеёжзийклмнопрстуфхцчшщъыьэюя')).toBe('abvgdeezhziyklmnoprstufkhtschshshchyeyuya');
    expect(crmIdOf('АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ')).toBe('abvgdeezhziyklmnoprstufkhtschshshchyeyuya');
    expect(crmIdOf('іїєґў')).toBe('iyiyegu');
    expect(crmIdOf('ăâîșşțţ ĂÂÎȘŞȚŢ')).toBe('aaisstt-aaisstt');
  });

  it('1C\'s, HubSpot\'s and Excel\'s codes', () => {
    expect(crmIdOf('НФ-000123')).toBe('nf-000123');
    expect(crmIdOf('ЦБ 000127')).toBe('tsb-000127');
    expect(crmIdOf('  CMP-125 ')).toBe('cmp-125');
    expect(crmIdOf('12 6')).toBe('12-6');
    expect(crmIdOf('A/B..C')).toBe('a-b-c');
    expect(crmIdOf('_x_')).toBe('x');
    expect(crmIdOf('ООО «Ёлки»')).toBe('ooo-elki');
  });

  it('nothing to keep, or too long, is no id', () => {
    expect(crmIdOf('***')).toBeUndefined();
    expect(crmIdOf('')).toBeUndefined();
    expect(crmIdOf('Щ'.repeat(30))).toBeUndefined();
  });
});
