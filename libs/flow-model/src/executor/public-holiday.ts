import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';

const calendars = new Map<string, Holidays>();
let holidaysClass: typeof Holidays | undefined;

/** The holiday data costs tens of megabytes: it is loaded on the first PublicHoliday condition, not with the lib. */
function newCalendar(): Holidays {
  holidaysClass ??= createRequire(import.meta.url)('date-holidays') as typeof Holidays;
  return new holidaysClass();
}

/** A country or subdivision code that the holiday data does not know. */
export class UnknownHolidayRegionError extends Error {
  constructor(readonly region: string) {
    super(`PublicHoliday: unknown country or subdivision '${region}'`);
    this.name = 'UnknownHolidayRegionError';
  }
}

function calendarOf(country: string, subDivision: string | undefined): Holidays {
  const key = subDivision ? `${country}-${subDivision}` : country;
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = newCalendar();
    // Codes are ISO 3166 (FR, DE + BY), in either case. init() accepts unknown codes, so they are checked first.
    const [c, s] = [country.toUpperCase(), subDivision?.toUpperCase()];
    if (!(c in calendar.getCountries()) || (s !== undefined && !(s in (calendar.getStates(c) ?? {})))) throw new UnknownHolidayRegionError(key);
    calendar.init(c, ...(s ? [s] : []));
    calendars.set(key, calendar);
  }
  return calendar;
}

/**
 * Whether a local date (`YYYY-MM-DD`) is a public holiday of a country, or of one of its subdivisions when one is
 * named (the country's own holidays included). Bank holidays, school holidays and observances are not public holidays.
 */
export function isPublicHoliday(date: string, country: string, subDivision?: string): boolean {
  // A local date-time text is read in the calendar's own time zone: the date is the holiday's date, wherever the server runs.
  const found = calendarOf(country, subDivision).isHoliday(`${date} 12:00:00`);
  return Array.isArray(found) && found.some((holiday) => holiday.type === 'public');
}
