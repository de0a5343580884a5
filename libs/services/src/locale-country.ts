/** The country of the process locale (LANG, LC_ALL): PublicHoliday conditions that name no country use it, as Kestra uses the JVM's. */
export function localeCountry(): string | undefined {
  return new Intl.Locale(Intl.DateTimeFormat().resolvedOptions().locale).maximize().region;
}
