import { publicHolidayName } from './src/i18n/holiday-names.ts';
import { publicHolidays } from './src/planner/public-holidays.ts';
for (const c of (process.argv[2] ?? 'MD,RO,RU').split(','))
for (const y of [2026, 2027, 2028])
for (const h of publicHolidays(c, y)) console.log(c, h.date, '|', h.name, '|', publicHolidayName(c, h.date, 'ro', h.name), '|', publicHolidayName(c, h.date, 'ru', h.name));
