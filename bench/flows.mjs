// The flows the benchmarks run, as YAML sources (what a user deploys).
export const NAMESPACE = 'bench';

export function twoTaskFlow(id) {
  return `id: ${id}
namespace: ${NAMESPACE}
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "hello from {{ execution.id }}"
  - id: return
    type: io.kestra.plugin.core.debug.Return
    format: "done"
`;
}

/** `size` Log tasks one after the other at the top level of the flow. */
export function sequentialFlow(id, size) {
  const tasks = Array.from(
    { length: size },
    (_, i) => `  - id: log_${i}
    type: io.kestra.plugin.core.log.Log
    message: "step ${i}"
`,
  );
  return `id: ${id}
namespace: ${NAMESPACE}
tasks:
${tasks.join('')}`;
}

/** One ForEach over `size` values whose body is one Log; concurrencyLimit 0 runs all at once. */
export function forEachFlow(id, size, concurrencyLimit) {
  const values = JSON.stringify(Array.from({ length: size }, (_, i) => `item-${i}`));
  return `id: ${id}
namespace: ${NAMESPACE}
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: '${values}'
    concurrencyLimit: ${concurrencyLimit}
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: "{{ taskrun.value }}"
`;
}
