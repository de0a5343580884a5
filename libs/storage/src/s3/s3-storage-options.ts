/** How to reach the bucket that holds the internal storage. */
export interface S3StorageOptions {
  bucket: string;
  /**
   * `http(s)://host[:port]` of an S3-compatible server (MinIO, versitygw, Ceph, R2, ...); absent means AWS S3
   * (`https://s3.amazonaws.com`, the region decides the real host).
   */
  endpoint?: string;
  /** Defaults to `us-east-1`. */
  region?: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  /**
   * `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`. Defaults to true with a custom
   * endpoint (MinIO and versitygw need it) and to false on AWS.
   */
  pathStyle?: boolean;
  /** Overrides the endpoint's scheme. */
  useSSL?: boolean;
  /** Key prefix inside the bucket, so several deployments can share one bucket (`osprey/prod`). */
  prefix?: string;
  /** Creates the bucket at open when it is missing (default true). */
  createBucket?: boolean;
  /**
   * Size of one multipart part in bytes (default 16 MiB, minimum 5 MiB). Memory of one upload is about
   * `partSize × (uploadConcurrency + 1)`; objects up to 10 000 parts can be written (156 GiB at 16 MiB).
   */
  partSize?: number;
  /** Parts uploaded at once while the next one is read (default 2). */
  uploadConcurrency?: number;
}

export const DEFAULT_PART_SIZE = 16 * 1024 * 1024;
export const MIN_PART_SIZE = 5 * 1024 * 1024;
