/**
 * What the backend modules opened while Nest was creating the application. Nest runs no shutdown hook of an
 * application whose creation failed, so without this a provider failing after the queue or the repository opened
 * (an unreachable search server after Kafka, a bad setting of a service) would leave their connections, files and
 * background loops open in the process: whoever calls NestFactory closes them (`createOspreyApp` in @osprey/services).
 */
export class OpenedAdapters {
  private readonly adapters: { name: string; close: () => Promise<void> }[] = [];

  /** Records an opened adapter; returns it. */
  add<T extends { close(): Promise<void> }>(name: string, adapter: T): T {
    this.adapters.push({ name, close: () => adapter.close() });
    return adapter;
  }

  /** Closes every recorded adapter, last opened first; one that fails to close is reported and the others still close. */
  async closeAll(onError: (error: unknown, name: string) => void): Promise<void> {
    for (const { name, close } of this.adapters.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        onError(error, name);
      }
    }
  }
}
