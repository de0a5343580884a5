/** A flow write that contradicts what is stored (creating an existing flow, renaming one on update); the API answers 409. */
export class FlowConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowConflictError';
  }
}
