// The indexer service alone: a thin composition root over @osprey/services.
import { runService } from '@osprey/services/cli';

await runService('indexer');
