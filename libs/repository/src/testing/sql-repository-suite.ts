/// <reference types="jest" />
import { repositoryContract } from './repository.contract.js';
import { openSqlRepository } from '../sql/open-sql-repository.js';
import { createSqlTestDatabase, type SqlTestServer } from '@osprey/sql/testing';

/** Runs the repository contract on a fresh database of the test server for every test. */
export function sqlRepositorySuite(server: SqlTestServer): void {
  repositoryContract(server, async () => {
    const database = await createSqlTestDatabase(server);
    try {
      const repository = await openSqlRepository({ url: database.url, poolSize: 8 });
      return {
        repository,
        writeExecution: (execution, changedTaskRuns) => repository.writeExecution(execution, changedTaskRuns),
        close: async () => {
          await repository.close();
          await database.drop();
        },
      };
    } catch (error) {
      await database.drop();
      throw error;
    }
  });
}
