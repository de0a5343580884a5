/**
 * `it` for the steps of one story in a browser, where each step starts from the page the previous one left.
 * Once a step fails (or times out), the following ones fail at once, naming it, instead of each waiting out
 * its own timeouts on a page that never came.
 */
export function storySteps(): (name: string, run: () => Promise<void>, timeoutMs?: number) => void {
  let unfinished: string | undefined;
  return (name, run, timeoutMs) =>
    it(
      name,
      async () => {
        if (unfinished) throw new Error(`not run: the earlier step "${unfinished}" did not finish`);
        // Set before and cleared after, so that a step jest abandons at its timeout also counts as failed.
        unfinished = name;
        await run();
        unfinished = undefined;
      },
      timeoutMs,
    );
}
