/** Labels a person set, without the `system.` ones the engine adds (correlation id...), which crowd a list. */
export function userLabels<T extends { key: string }>(labels: readonly T[] | undefined): T[] {
  return (labels ?? []).filter((l) => !l.key.startsWith('system.'));
}
