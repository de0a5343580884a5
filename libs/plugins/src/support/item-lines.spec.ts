import { describe, expect, it } from '@jest/globals';
import { parseItem } from './item-lines.js';

describe('parseItem', () => {
  it('reads an item as fromIon() does: ION and JSON alike, timestamps as written, big integers exact', () => {
    expect(parseItem('{id:1,at:2024-01-02T03:04:05Z,tag:sym,n:12345678901234567890}', 1)).toEqual({ id: 1, at: '2024-01-02T03:04:05Z', tag: 'sym', n: 12345678901234567890n });
    expect(parseItem('{"id": 2, "v": null}', 2)).toEqual({ id: 2, v: null });
    expect(parseItem('', 3)).toEqual({});
  });

  it('refuses a truncated item, a line of several values and a value that is not a map, naming the line', () => {
    expect(() => parseItem('{id:', 4)).toThrow(/^line 4 is not an ION or JSON item/);
    expect(() => parseItem('{id:1} {id:2}', 5)).toThrow('line 5 holds 2 values, not one item: {id:1} {id:2}');
    expect(() => parseItem('[1,2]', 6)).toThrow('line 6 is not a map item: [1,2]');
  });
});
