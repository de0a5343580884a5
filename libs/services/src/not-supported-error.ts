/** A Kestra feature Osprey does not have, asked for through its API: answered 501 naming the feature. */
export class NotSupportedError extends Error {
  constructor(readonly feature: string) {
    super(`not supported by Osprey: ${feature}`);
    this.name = 'NotSupportedError';
  }
}
