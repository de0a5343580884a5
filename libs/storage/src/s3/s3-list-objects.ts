import type { Client } from 'minio';

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
  /** The entity tag, quotes included, as S3 lists it. */
  etag?: string;
}

/** S3's canonical query encoding (RFC 3986: `!'()*` escaped too). */
function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') return String.fromCodePoint(entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    return NAMED_ENTITIES[entity] ?? whole;
  });
}

function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? decodeXml(match[1]!) : undefined;
}

/**
 * Every object under a key prefix, page by page (ListObjectsV2, 1000 keys a page). Keys are taken literally
 * unless the server says it URL-encoded them: some S3-compatible servers (versitygw 1.8) ignore
 * `encoding-type=url`, and the minio client's listing would then turn `a+b` into `a b` and `%2e%2e` into `..`.
 */
export async function* listObjects(client: Client, bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  let continuationToken: string | undefined;
  do {
    const query = ['list-type=2', 'encoding-type=url', 'max-keys=1000', `prefix=${uriEscape(prefix)}`];
    if (continuationToken) query.push(`continuation-token=${uriEscape(continuationToken)}`);
    const response = await client.makeRequestAsync({ method: 'GET', bucketName: bucket, query: query.sort().join('&') });
    let xml = '';
    for await (const chunk of response) xml += (chunk as Buffer).toString('utf8');
    const urlEncoded = element(xml, 'EncodingType')?.toLowerCase() === 'url';
    for (const match of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
      const contents = match[1]!;
      const rawKey = element(contents, 'Key');
      if (rawKey === undefined) continue;
      yield {
        // URL encoding in S3 listings writes spaces as `+`.
        key: urlEncoded ? decodeURIComponent(rawKey.replace(/\+/g, ' ')) : rawKey,
        size: Number(element(contents, 'Size') ?? 0),
        lastModified: new Date(element(contents, 'LastModified') ?? 0),
        ...(element(contents, 'ETag') !== undefined ? { etag: element(contents, 'ETag') } : {}),
      };
    }
    const truncated = element(xml, 'IsTruncated') === 'true';
    continuationToken = truncated ? element(xml, 'NextContinuationToken') : undefined;
    if (truncated && !continuationToken) throw new Error(`S3 listing of ${bucket}/${prefix} is truncated but has no continuation token`);
  } while (continuationToken);
}
