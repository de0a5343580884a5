// End-to-end tests start the built `osprey` command as real processes: on a loaded 2-core machine a start alone can
// take longer than jest's 5 s default, so every hook and test here gets minutes unless it says otherwise.
import { jest } from '@jest/globals';

jest.setTimeout(180_000);
