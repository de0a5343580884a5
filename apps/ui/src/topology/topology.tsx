import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Flow, StateType } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Loading } from '../components/loading.js';
import { stateColor } from '../components/state-colors.js';
import type { GraphLayout, PlacedEdge, PlacedNode } from './elk-layout.js';
import { buildTaskGraph, type FlowLike } from './task-graph.js';
import './topology.css';

export interface TopologyProps {
  /** The flow (or any object with its task lists) as the API returns it. */
  flow: FlowLike | Pick<Flow, 'tasks'>;
  /** taskId → state, to colour the nodes (an execution's task runs). */
  states?: Record<string, StateType | string>;
  onSelect?: (taskId: string) => void;
  selected?: string;
  /** CSS height of the viewport; the graph scrolls inside it. */
  height?: string;
}

/** The task graph of a flow laid out left to right; flowables are groups, errors and finally branches stand apart. */
export function Topology({ flow, states, onSelect, selected, height = '520px' }: TopologyProps) {
  const graph = useMemo(() => buildTaskGraph(flow as FlowLike), [flow]);
  const [layout, setLayout] = useState<GraphLayout>();
  const [error, setError] = useState<unknown>();
  const [scale, setScale] = useState<number>();
  const viewport = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    setError(undefined);
    // ELK loads with the first topology shown, not with the page.
    import('./elk-layout.js')
      .then(({ layoutTaskGraph }) => layoutTaskGraph(graph))
      .then((result) => {
        if (!cancelled) setLayout(result);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e);
      });
    return () => {
      cancelled = true;
    };
  }, [graph]);

  const fit = () => {
    if (!layout || !viewport.current) return 1;
    const { clientWidth, clientHeight } = viewport.current;
    return Math.max(0.2, Math.min(1, (clientWidth - 8) / layout.width, (clientHeight - 8) / layout.height));
  };
  // Fit once per new layout; after that the user's zoom stays.
  useEffect(() => {
    if (layout) setScale(fit());
  }, [layout]);

  if (error) return <ErrorBanner error={error} title="Cannot lay out the topology" />;
  const s = scale ?? 1;
  return (
    <div className="topology" data-testid="topology">
      <div className="topology__toolbar">
        <button type="button" className="btn btn--small" onClick={() => setScale((v) => Math.min(2, (v ?? 1) * 1.25))} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="btn btn--small" onClick={() => setScale((v) => Math.max(0.2, (v ?? 1) / 1.25))} aria-label="Zoom out">
          −
        </button>
        <button type="button" className="btn btn--small" onClick={() => setScale(fit())}>
          Fit
        </button>
        <button type="button" className="btn btn--small" onClick={() => setScale(1)}>
          100%
        </button>
        <span className="topology__legend">
          <span className="topology__legend-item topology__legend-item--errors">errors</span>
          <span className="topology__legend-item topology__legend-item--finally">finally</span>
        </span>
      </div>
      <div className="topology__viewport" ref={viewport} style={{ height }}>
        {!layout ? (
          <Loading label="Laying out the graph…" />
        ) : (
          <svg width={layout.width * s} height={layout.height * s} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label="Task graph">
            <defs>
              {(['normal', 'errors', 'finally'] as const).map((kind) => (
                <marker key={kind} id={`arrow-${kind}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M 0 0 L 10 5 L 0 10 z" className={`topology__arrow topology__arrow--${kind}`} />
                </marker>
              ))}
            </defs>
            {layout.nodes
              .filter((n) => n.node.kind === 'group' || n.node.kind === 'branch')
              .sort((a, b) => a.depth - b.depth)
              .map((placed) => (
                <GroupShape key={placed.node.id} placed={placed} state={placed.node.taskId ? states?.[placed.node.taskId] : undefined} onSelect={onSelect} selected={selected} />
              ))}
            {layout.edges.map((placed) => (
              <EdgeShape key={placed.edge.id} placed={placed} />
            ))}
            {layout.nodes
              .filter((n) => n.node.kind !== 'group' && n.node.kind !== 'branch')
              .map((placed) => (
                <NodeShape key={placed.node.id} placed={placed} state={placed.node.taskId ? states?.[placed.node.taskId] : undefined} onSelect={onSelect} selected={selected} />
              ))}
          </svg>
        )}
      </div>
    </div>
  );
}

function activate(event: KeyboardEvent, action: () => void) {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    action();
  }
}

function GroupShape({ placed, state, onSelect, selected }: { placed: PlacedNode; state?: string; onSelect?: (taskId: string) => void; selected?: string }) {
  const { node, x, y, width, height } = placed;
  const taskId = node.taskId;
  const clickable = !!(taskId && onSelect);
  const className = ['topology__group', `topology__group--${node.kind === 'branch' ? node.branch : 'flowable'}`, taskId && taskId === selected ? 'topology__group--selected' : ''].join(' ');
  return (
    <g className={className} data-testid={taskId ? `topology-node-${taskId}` : undefined} data-state={state}>
      <rect x={x} y={y} width={width} height={height} rx={8} style={state ? { stroke: stateColor(state) } : undefined} />
      <g
        role={clickable ? 'button' : undefined}
        tabIndex={clickable ? 0 : undefined}
        onClick={clickable ? () => onSelect!(taskId!) : undefined}
        onKeyDown={clickable ? (e) => activate(e, () => onSelect!(taskId!)) : undefined}
        className={clickable ? 'topology__clickable' : undefined}
      >
        <text x={x + 10} y={y + 19} className="topology__group-label">
          {node.label}
          {node.type && <tspan className="topology__group-type"> {node.type}</tspan>}
        </text>
        {state && <circle cx={x + width - 12} cy={y + 14} r={5} fill={stateColor(state)} />}
      </g>
    </g>
  );
}

function NodeShape({ placed, state, onSelect, selected }: { placed: PlacedNode; state?: string; onSelect?: (taskId: string) => void; selected?: string }) {
  const { node, x, y, width, height } = placed;
  if (node.kind === 'start' || node.kind === 'end') {
    return (
      <g className={`topology__terminal topology__terminal--${node.kind}`}>
        <circle cx={x + width / 2} cy={y + height / 2} r={width / 2} />
        <text x={x + width / 2} y={y + height / 2 + 4} textAnchor="middle">
          {node.kind === 'start' ? '▶' : '■'}
        </text>
      </g>
    );
  }
  const taskId = node.taskId;
  const clickable = !!(taskId && onSelect);
  const color = state ? stateColor(state) : undefined;
  const className = ['topology__node', `topology__node--${node.kind}`, node.disabled ? 'topology__node--disabled' : '', taskId && taskId === selected ? 'topology__node--selected' : '', clickable ? 'topology__clickable' : ''].join(' ');
  return (
    <g
      className={className}
      data-testid={taskId ? `topology-node-${taskId}` : `topology-${node.id}`}
      data-state={state}
      role={clickable ? 'button' : undefined}
      tabIndex={clickable ? 0 : undefined}
      aria-label={clickable ? `${node.label} (${node.type ?? 'task'})${state ? `, ${state}` : ''}` : undefined}
      onClick={clickable ? () => onSelect!(taskId!) : undefined}
      onKeyDown={clickable ? (e) => activate(e, () => onSelect!(taskId!)) : undefined}
    >
      <title>{`${node.label}${node.type ? ` · ${node.type}` : ''}${state ? ` · ${state}` : ''}${node.disabled ? ' · disabled' : ''}`}</title>
      <rect x={x} y={y} width={width} height={height} rx={6} style={color ? { stroke: color } : undefined} />
      {color && <rect x={x} y={y} width={5} height={height} rx={2} fill={color} className="topology__state-bar" />}
      <text x={x + 14} y={y + (node.kind === 'trigger' ? 17 : 20)} className="topology__label">
        {truncate(node.label, Math.floor((width - 24) / 7.2))}
      </text>
      <text x={x + 14} y={y + (node.kind === 'trigger' ? 31 : 37)} className="topology__type">
        {node.kind === 'trigger' ? `◔ ${node.type}` : node.type}
        {state ? ` · ${state}` : ''}
      </text>
    </g>
  );
}

function EdgeShape({ placed }: { placed: PlacedEdge }) {
  const { edge, points } = placed;
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
  const mid = points[Math.floor(points.length / 2)]!;
  // A label on a short edge would overlap the nodes; the legend tells the kinds apart anyway.
  const span = Math.abs(points.at(-1)!.x - points[0]!.x) + Math.abs(points.at(-1)!.y - points[0]!.y);
  return (
    <g className={`topology__edge topology__edge--${edge.kind}`}>
      <path d={d} markerEnd={`url(#arrow-${edge.kind})`} />
      {edge.label && span > 90 && (
        <text x={mid.x + 4} y={mid.y - 4} className="topology__edge-label">
          {edge.label}
        </text>
      )}
    </g>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}
