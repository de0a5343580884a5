import type { RedisClient } from 'bullmq';

// Members are WorkerJob ids, all with score 0, so a lexicographic range finds the jobs of one task run by the id
// prefix `${taskRunId}:`; `;` is the character after `:`. The attempt part has no `:`, which tells `a:1` from `a:b:1`.
const FIND = `
local found = {}
for i = 1, #ARGV do
  local prefix = ARGV[i] .. ':'
  local ids = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. prefix, '(' .. ARGV[i] .. ';')
  for _, id in ipairs(ids) do
    if not string.find(string.sub(id, #prefix + 1), ':', 1, true) then table.insert(found, id) end
  end
end
return found`;
const ADD = `
for i = 1, #ARGV do redis.call('ZADD', KEYS[1], 0, ARGV[i]) end
return #ARGV`;
const REMOVE = `
for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
return #ARGV`;

const COMMANDS = { find: 'ospreyTaskRunJobsFind', add: 'ospreyTaskRunJobsAdd', remove: 'ospreyTaskRunJobsRemove' } as const;

/**
 * The WorkerJob ids of live (queued or leased) jobs, so `cancel` finds the jobs of a task run without scanning the
 * queue. BullMQ's client only knows the commands BullMQ uses; ours go through Lua scripts registered on it.
 */
export class TaskRunJobIndex {
  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
  ) {
    client.defineCommand(COMMANDS.find, { numberOfKeys: 1, lua: FIND, readOnly: true });
    client.defineCommand(COMMANDS.add, { numberOfKeys: 1, lua: ADD });
    client.defineCommand(COMMANDS.remove, { numberOfKeys: 1, lua: REMOVE });
  }

  async add(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.client.runCommand(COMMANDS.add, [this.key, ...jobIds]);
  }

  async remove(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length > 0) await this.client.runCommand(COMMANDS.remove, [this.key, ...jobIds]);
  }

  /** Job ids of these task runs, grouped in the order of `taskRunIds`. */
  async find(taskRunIds: readonly string[]): Promise<string[]> {
    if (taskRunIds.length === 0) return [];
    return (await this.client.runCommand(COMMANDS.find, [this.key, ...taskRunIds])) as string[];
  }
}
