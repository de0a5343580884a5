"""A user story driven through PyPI `kestrapy`, unpatched, against the Osprey at argv[1] (tenant argv[2]).

Each step prints `ok <step>`; the first failure raises and exits non-zero with the traceback. Every call goes through
the client's own method and model, so a response it cannot deserialize fails the step.
"""
import sys
import time

from kestrapy import KestraClient
from kestrapy.exceptions import NotFoundException
from kestrapy.models.query_filter import QueryFilter

HOST, TENANT, NS = sys.argv[1], sys.argv[2], sys.argv[3]
client = KestraClient(host=HOST, timeout=60)


def step(name):
    print(f"ok {name}", flush=True)


def gone(read):
    """True when `read` answers 404 (what a delete must leave behind)."""
    try:
        read()
    except NotFoundException:
        return True
    return False


def wait_state(execution_id, states, timeout=120):
    deadline = time.time() + timeout
    while True:
        execution = client.executions.execution(execution_id, TENANT)
        if execution.state.current.value in states:
            return execution
        if time.time() > deadline:
            raise AssertionError(f"execution {execution_id} still {execution.state.current.value}, expected one of {states}")
        time.sleep(0.2)


HELLO = f"""id: hello
namespace: {NS}
inputs:
  - id: name
    type: STRING
    defaults: world
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: hello {{{{ inputs.name }}}}
  - id: answer
    type: io.kestra.plugin.core.debug.Return
    format: "{{{{ inputs.name }}}}"
outputs:
  - id: said
    type: STRING
    value: "{{{{ outputs.answer.value }}}}"
"""

SLOW = f"""id: slow
namespace: {NS}
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT5M
"""

FAILING = f"""id: failing
namespace: {NS}
tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: "{{{{ kv('mode') == 'pass' ? 'unused' : 'failing on purpose' }}}}"
    condition: "{{{{ kv('mode') != 'pass' }}}}"
"""

APPROVAL = f"""id: approval
namespace: {NS}
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approver
        type: STRING
  - id: after
    type: io.kestra.plugin.core.debug.Return
    format: "approved by {{{{ outputs.wait.onResume.approver }}}}"
"""

ENDED = {"SUCCESS", "FAILED", "WARNING", "KILLED"}
SLOW_FILTERS = [QueryFilter(field="namespace", operation="EQUALS", value=NS), QueryFilter(field="flowId", operation="EQUALS", value="slow")]


def running_slow():
    execution = client.executions.create_execution(TENANT, NS, "slow")
    wait_state(execution.id, {"RUNNING"})
    return execution.id


created = client.flows.create_flow(TENANT, HELLO)
assert created.id == "hello" and created.revision == 1 and created.draft is False, created
step("flows.create_flow")

updated = client.flows.update_flow(NS, "hello", TENANT, HELLO.replace("defaults: world", "defaults: osprey"))
assert updated.revision == 2, updated.revision
step("flows.update_flow")

flow = client.flows.flow(NS, "hello", TENANT)
assert flow.revision == 2 and flow.deleted is False
step("flows.flow")

client.flows.create_flow(TENANT, SLOW)
client.flows.create_flow(TENANT, FAILING)
client.flows.create_flow(TENANT, APPROVAL)
found = client.flows.search_flows(TENANT, filters=[QueryFilter(field="namespace", operation="EQUALS", value=NS)])
assert sorted(f.id for f in found.results) == ["approval", "failing", "hello", "slow"], [f.id for f in found.results]
step("flows.search_flows by namespace filter")

started = client.executions.create_execution(TENANT, NS, "hello", labels=["team:clients"], inputs={"name": "kestrapy"})
step("executions.create_execution with inputs and labels")
ended = wait_state(started.id, {"SUCCESS", "FAILED", "WARNING", "KILLED"})
assert ended.state.current.value == "SUCCESS", ended.state.current
assert ended.inputs == {"name": "kestrapy"}, ended.inputs
assert {"key": "team", "value": "clients"} in [label.to_dict() for label in ended.labels], ended.labels
assert ended.original_id == ended.id and ended.deleted is False and ended.metadata.original_created_date is not None
assert ended.to_dict()["metadata"]
step("executions.execution to the end")

# The model declares neither the flow's nor a task run's `outputs`: they come through its additional properties.
answer = next(t for t in ended.task_run_list if t.task_id == "answer")
assert answer.to_dict().get("outputs") == {"value": "kestrapy"}, answer.to_dict()
assert ended.to_dict().get("outputs") == {"said": "kestrapy"}, ended.to_dict().get("outputs")
step("execution outputs read")

logs = client.logs.list_logs_from_execution(started.id, TENANT)
assert any(log.message == "hello kestrapy" for log in logs), [log.message for log in logs]
step("logs.list_logs_from_execution")

searched = client.logs.search_logs(TENANT, filters=[QueryFilter(field="namespace", operation="EQUALS", value=NS)])
assert any(log.message == "hello kestrapy" for log in searched.results)
step("logs.search_logs")

executions = client.executions.search_executions(TENANT, filters=[QueryFilter(field="namespace", operation="EQUALS", value=NS)])
assert executions["total"] >= 1
step("executions.search_executions")

slow = client.executions.create_execution(TENANT, NS, "slow")
wait_state(slow.id, {"RUNNING"})
killed = client.executions.kill_execution(slow.id, TENANT)
assert killed.id == slow.id, killed
wait_state(slow.id, {"KILLED"})
step("executions.kill_execution")

client.kv.set_key_value(NS, "mode", TENANT, '"fail"')
failing = client.executions.create_execution(TENANT, NS, "failing")
wait_state(failing.id, {"FAILED"})
client.kv.set_key_value(NS, "mode", TENANT, '"pass"')
restarted = client.executions.restart_execution(failing.id, TENANT)
assert restarted.id == failing.id
assert wait_state(failing.id, {"SUCCESS", "FAILED"}).state.current.value == "SUCCESS"
step("executions.restart_execution")

replayed = client.executions.replay_execution(started.id, TENANT)
assert replayed.id != started.id and replayed.original_id == started.id, replayed
assert wait_state(replayed.id, ENDED).state.current.value == "SUCCESS"
step("executions.replay_execution")

paused = client.executions.create_execution(TENANT, NS, "approval")
wait_state(paused.id, {"PAUSED"})
resumed = client.executions.resume_execution(paused.id, TENANT, inputs={"approver": "kestrapy"})
assert resumed.id == paused.id, resumed
approved = wait_state(paused.id, ENDED)
assert next(t for t in approved.task_run_list if t.task_id == "after").to_dict().get("outputs") == {"value": "approved by kestrapy"}
step("executions.resume_execution")

by_ids = [running_slow(), running_slow()]
assert client.executions.kill_executions_by_ids(TENANT, by_ids) == {"count": 2}
for execution_id in by_ids:
    wait_state(execution_id, {"KILLED"})
step("executions.kill_executions_by_ids")

by_query = [running_slow(), running_slow()]
killed_by_query = client.executions.kill_executions_by_query(TENANT, filters=SLOW_FILTERS + [QueryFilter(field="state", operation="EQUALS", value="RUNNING")])
assert killed_by_query == {"count": 2}, killed_by_query
for execution_id in by_query:
    wait_state(execution_id, {"KILLED"})
step("executions.kill_executions_by_query")

deleted = client.executions.delete_executions_by_ids(TENANT, by_ids)
assert deleted.count == 2, deleted
assert all(gone(lambda i=i: client.executions.execution(i, TENANT)) for i in by_ids), "a deleted execution is still served"
step("executions.delete_executions_by_ids")

# What is left of `slow`: the execution the single kill killed and the two killed by query.
deleted = client.executions.delete_executions_by_query(TENANT, filters=SLOW_FILTERS)
assert deleted == {"count": 3}, deleted
assert all(gone(lambda i=i: client.executions.execution(i, TENANT)) for i in by_query + [slow.id]), "a deleted execution is still served"
step("executions.delete_executions_by_query")

detail = client.kv.key_value(NS, "mode", TENANT)
assert detail.value == "pass", detail
step("kv.set_key_value / kv.key_value")

keys = client.kv.list_all_keys(TENANT, filters=[QueryFilter(field="namespace", operation="EQUALS", value=NS)])
assert [(e.namespace, e.key) for e in keys.results] == [(NS, "mode")] and keys.results[0].creation_date is not None, keys
step("kv.list_all_keys")

inherited = client.kv.list_keys_with_inheritance(NS, TENANT)
assert [e.key for e in inherited] == ["mode"], inherited
step("kv.list_keys_with_inheritance")

assert client.kv.delete_key_value(NS, "mode", TENANT) is True
step("kv.delete_key_value")

client.executions.delete_execution(started.id, TENANT)
assert gone(lambda: client.executions.execution(started.id, TENANT)), "the deleted execution is still served"
step("executions.delete_execution")

client.flows.delete_flow(NS, "hello", TENANT)
assert gone(lambda: client.flows.flow(NS, "hello", TENANT)), "the deleted flow is still served"
step("flows.delete_flow")
print("story complete", flush=True)
