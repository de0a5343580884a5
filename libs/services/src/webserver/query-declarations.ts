import { SetMetadata } from '@nestjs/common';

/**
 * Route decorators read by the declared-query guard, beside the `@ApiQuery` declarations it checks requests against.
 */

export const FREE_QUERY = 'osprey:free-query';
export const UNSUPPORTED_QUERY = 'osprey:unsupported-query';

/** The route takes any query parameter (a webhook hands them to the flow as `trigger.parameters`). */
export const FreeQuery = (): MethodDecorator => SetMetadata(FREE_QUERY, true);

/**
 * Query parameters Kestra's API defines for this endpoint and Osprey does not honour, each with the reason its 400
 * answer gives: a Kestra client that sends one learns why, not just that the name is unknown.
 */
export const UnsupportedQuery = (reasons: Readonly<Record<string, string>>): MethodDecorator => SetMetadata(UNSUPPORTED_QUERY, reasons);
