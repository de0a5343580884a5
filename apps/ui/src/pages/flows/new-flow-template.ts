/** What the editor holds for a new flow: small, valid, and showing inputs, a task and an expression. */
export const NEW_FLOW_TEMPLATE = `id: hello-world
namespace: company.team

description: |
  My first flow.

inputs:
  - id: name
    type: STRING
    defaults: World

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: Hello {{ inputs.name }}!
`;
