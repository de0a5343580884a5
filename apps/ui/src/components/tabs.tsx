import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem {
  id: string;
  label: ReactNode;
  /** Hidden tabs are left out (e.g. revisions of a new flow). */
  hidden?: boolean;
}

/** An ARIA tab list; arrows and Home/End move between tabs. The caller renders the selected panel. */
export function Tabs({ tabs, selected, onSelect, testId = 'tabs' }: { tabs: TabItem[]; selected: string; onSelect: (id: string) => void; testId?: string }) {
  const visible = tabs.filter((t) => !t.hidden);
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});
  const move = (event: KeyboardEvent, index: number) => {
    let next = index;
    if (event.key === 'ArrowRight') next = (index + 1) % visible.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + visible.length) % visible.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = visible.length - 1;
    else return;
    event.preventDefault();
    const tab = visible[next];
    onSelect(tab.id);
    refs.current[tab.id]?.focus();
  };
  return (
    <div className="tabs" role="tablist" data-testid={testId}>
      {visible.map((tab, index) => (
        <button
          key={tab.id}
          ref={(el) => {
            refs.current[tab.id] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={tab.id === selected}
          tabIndex={tab.id === selected ? 0 : -1}
          className={tab.id === selected ? 'tabs__tab tabs__tab--selected' : 'tabs__tab'}
          onClick={() => onSelect(tab.id)}
          onKeyDown={(event) => move(event, index)}
          data-testid={`tab-${tab.id}`}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
