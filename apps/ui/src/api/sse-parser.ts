export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Incremental Server-Sent Events parser: feed it text chunks, it returns the complete events. */
export class SseParser {
  private buffer = '';

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    // Events end with a blank line; \r\n and \r are valid line ends too.
    const normalized = this.buffer.replace(/\r\n?/g, '\n');
    const blocks = normalized.split('\n\n');
    this.buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const event = parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }
}

function parseBlock(block: string): SseEvent | undefined {
  const data: string[] = [];
  const event: SseEvent = { data: '' };
  let any = false;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue; // comment: keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      any = true;
    } else if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
  }
  if (!any) return undefined;
  event.data = data.join('\n');
  return event;
}
