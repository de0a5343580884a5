import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { formatPath, type FlowPath, type PathSegment } from './flow-path.js';

export interface SourcePosition {
  line: number;
  column: number;
}

interface Entry {
  value: SourcePosition;
  key?: SourcePosition;
}

/** Where each node of a parsed YAML document starts, looked up by its path in the document. */
export class YamlPositions {
  private readonly entries = new Map<string, Entry>();

  constructor(root: Node | null | undefined, private readonly lineCounter: LineCounter) {
    if (root) this.walk(root, []);
  }

  /**
   * The position of the node at `path` (of its key when `atKey`), or of its nearest ancestor that
   * exists: a missing property is reported at the map that lacks it.
   */
  locate(path: FlowPath, atKey = false): SourcePosition | undefined {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.entries.get(formatPath(path.slice(0, length)));
      if (entry) return (length === path.length && atKey && entry.key) || entry.value;
    }
    return undefined;
  }

  private position(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private walk(node: Node, path: PathSegment[], key?: SourcePosition): void {
    const start = node.range?.[0];
    if (start !== undefined) this.entries.set(formatPath(path), { value: this.position(start), key });
    else if (key) this.entries.set(formatPath(path), { value: key, key });
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const keyPosition = keyNode?.range ? this.position(keyNode.range[0]) : undefined;
        const value = pair.value as Node | null;
        const childPath = [...path, name];
        if (value && value.range && !(isScalar(value) && value.value === null && value.range[0] === value.range[1])) {
          this.walk(value, childPath, keyPosition);
        } else if (keyPosition) {
          // `key:` with nothing after it: point at the key.
          this.entries.set(formatPath(childPath), { value: keyPosition, key: keyPosition });
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (item && typeof item === 'object' && 'range' in item) this.walk(item as Node, [...path, index]);
      });
    }
  }
}
