import { parseFlow, type StoredFlow } from '@osprey/flow-model';
import { NotFoundError, type FlowRepository } from '@osprey/repository';
import { FlowDisabledError } from './trigger-execution.js';
import { ValidateExecutionInputs } from './validate-execution-inputs.js';

const SOURCE = `id: f
namespace: ns
inputs:
  - id: name
    type: STRING
    defaults: world
  - id: count
    type: INT
  - id: greeting
    type: STRING
    defaults: "hello {{ inputs.name }}"
  - id: level
    type: ENUM
    values: [LOW, HIGH]
    required: false
tasks:
  - id: t
    type: io.kestra.plugin.core.log.Log
    message: hi
`;

function repository(flows: StoredFlow[]): FlowRepository {
  return {
    async get(namespace: string, id: string, revision?: number) {
      return flows.find((f) => f.namespace === namespace && f.id === id && (revision === undefined || f.revision === revision)) ?? null;
    },
  } as unknown as FlowRepository;
}

const stored = (overrides: Partial<StoredFlow> = {}): StoredFlow => ({
  namespace: 'ns',
  id: 'f',
  revision: 1,
  source: SOURCE,
  disabled: false,
  deleted: false,
  updated: new Date(0).toISOString(),
  flow: parseFlow(SOURCE),
  ...overrides,
});

const now = () => new Date('2026-01-01T00:00:00Z');

describe('ValidateExecutionInputs', () => {
  it('answers every declared input with its converted value and no error when the inputs fit', async () => {
    const validation = await new ValidateExecutionInputs(repository([stored()]), now).execute({ namespace: 'ns', flowId: 'f', inputs: { count: '3', level: 'HIGH' } });
    expect(validation).toMatchObject({ id: 'f', namespace: 'ns' });
    expect(validation.inputs.map((i) => [i.input.id, i.value, i.enabled, i.errors])).toEqual([
      ['name', 'world', true, []],
      ['count', 3, true, []],
      ['greeting', 'hello world', true, []],
      ['level', 'HIGH', true, []],
    ]);
  });

  it('names the error of each refused input, keeps its given value and still resolves the others', async () => {
    const validation = await new ValidateExecutionInputs(repository([stored()]), now).execute({ namespace: 'ns', flowId: 'f', inputs: { name: 'ann', level: 'MEDIUM' } });
    const byId = Object.fromEntries(validation.inputs.map((i) => [i.input.id, i]));
    expect(byId.count).toMatchObject({ value: null, errors: [{ message: 'missing required input' }] });
    expect(byId.level!.value).toBe('MEDIUM');
    expect(byId.level!.errors).toEqual([{ message: expect.stringContaining('MEDIUM') }]);
    expect(byId.name).toMatchObject({ value: 'ann', errors: [] });
    expect(byId.greeting).toMatchObject({ value: 'hello ann', errors: [] });
  });

  it('checks the revision asked for, and refuses unknown, deleted and disabled flows as starting them would', async () => {
    const older = stored({ revision: 1, flow: parseFlow(SOURCE.replace('  - id: count\n    type: INT\n', '')) });
    const validate = new ValidateExecutionInputs(repository([older, stored({ revision: 2 })]), now);
    expect((await validate.execute({ namespace: 'ns', flowId: 'f', revision: 1, inputs: {} })).inputs.map((i) => i.input.id)).toEqual(['name', 'greeting', 'level']);
    await expect(new ValidateExecutionInputs(repository([]), now).execute({ namespace: 'ns', flowId: 'f', inputs: {} })).rejects.toBeInstanceOf(NotFoundError);
    await expect(new ValidateExecutionInputs(repository([stored({ deleted: true })]), now).execute({ namespace: 'ns', flowId: 'f', inputs: {} })).rejects.toBeInstanceOf(NotFoundError);
    await expect(new ValidateExecutionInputs(repository([stored({ disabled: true })]), now).execute({ namespace: 'ns', flowId: 'f', inputs: {} })).rejects.toBeInstanceOf(FlowDisabledError);
  });
});
