/** `team:data, env:prod` (comma or space separated) as the API's repeated `labels=key:value` values. */
export function parseLabelFilter(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .map((l) => l.trim())
    .filter((l) => /^[^:]+:.+$/.test(l));
}
