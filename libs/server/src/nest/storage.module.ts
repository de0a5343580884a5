import { mkdirSync } from 'node:fs';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openLocalStorage, STORAGE, type Storage } from '@osprey/storage';
import { dataPath, type OspreyConfig } from '../config.js';
import { BACKEND_OPTIONS, type BackendOptions } from './backend-tokens.js';

/** A URI no task writes: checking it is a round trip to the storage (a HEAD on S3). */
const READY_PROBE = 'kestra:///.osprey-ready-probe';

/** Opens the storage `storage.type` names; the S3 client is imported only when it is S3. */
export async function openStorage(config: OspreyConfig): Promise<Storage> {
  mkdirSync(config.dataDir, { recursive: true });
  const storage = config.storage;
  if (storage.type === 'local') return openLocalStorage(dataPath(config, storage.basePath));
  const { type: _type, ...options } = storage;
  const { openS3Storage } = await import('@osprey/storage/s3');
  return openS3Storage(options);
}

/** Round trip to the storage server (readiness). */
export async function probeStorage(storage: Storage): Promise<void> {
  await storage.exists(READY_PROBE);
}

/** The storage port (STORAGE) on the configured adapter; closed when the application shuts down, after the services. */
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  static forRoot(config: OspreyConfig): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [{ provide: STORAGE, useFactory: async (options: BackendOptions) => options.opened.add('storage', await openStorage(config)), inject: [BACKEND_OPTIONS] }],
      exports: [STORAGE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}
