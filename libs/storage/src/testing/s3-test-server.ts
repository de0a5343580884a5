import { randomBytes } from 'node:crypto';
import type { S3StorageOptions } from '../s3/s3-storage-options.js';

/**
 * The S3 test server that `npm test` starts (scripts/servers/s3.mjs). Specs fail, never skip, without it:
 * a contract that did not run must not look green.
 */
export function s3TestServer(): Required<Pick<S3StorageOptions, 'endpoint' | 'accessKey' | 'secretKey'>> {
  const endpoint = process.env.OSPREY_TEST_S3_ENDPOINT;
  const accessKey = process.env.OSPREY_TEST_S3_ACCESS_KEY;
  const secretKey = process.env.OSPREY_TEST_S3_SECRET_KEY;
  if (!endpoint || !accessKey || !secretKey) {
    const startError = process.env.OSPREY_TEST_S3_ERROR ? ` (the S3 server failed to start: ${process.env.OSPREY_TEST_S3_ERROR})` : '';
    throw new Error(
      `OSPREY_TEST_S3_ENDPOINT, OSPREY_TEST_S3_ACCESS_KEY and OSPREY_TEST_S3_SECRET_KEY are not set${startError}: ` +
        'run the tests through `npm test`, or start the server with `node scripts/servers/run.mjs s3` and export the variables it prints',
    );
  }
  return { endpoint, accessKey, secretKey };
}

/** A bucket name of this run (3-63 lowercase characters). */
export function testBucketName(purpose: string): string {
  return `osprey-${purpose}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
