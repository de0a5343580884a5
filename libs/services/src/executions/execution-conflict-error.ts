/** An action that the execution's current state does not allow (kill an ended execution, resume one that is not paused). */
export class ExecutionConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionConflictError';
  }
}
