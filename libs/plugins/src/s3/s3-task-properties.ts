type Text = string | number | boolean;

/** Every property some S3 task reads (each type declares a subset): io.kestra.plugin.aws.s3.* and io.kestra.plugin.minio.*. */
export interface S3TaskProperties {
  bucket: Text;
  key?: Text;
  region?: Text;
  endpoint?: Text;
  endpointOverride?: Text;
  forcePathStyle?: boolean | string;
  compatibilityMode?: boolean | string;
  accessKeyId?: Text;
  secretKeyId?: Text;
  sessionToken?: Text;
  from?: Text;
  metadata?: Record<string, unknown> | string;
  contentType?: Text;
  cacheControl?: Text;
  contentEncoding?: Text;
  contentDisposition?: Text;
  contentLanguage?: Text;
  expires?: Text;
  versionId?: Text;
  prefix?: Text;
  regexp?: Text;
  filter?: string;
  maxFiles?: number | string;
  bypassGovernanceRetention?: boolean | string;
}
