import { useEffect, useRef, useState } from 'react';
import type { editor as MonacoEditorNs } from 'monaco-editor/editor/editor.api';
import { ErrorBanner } from '../../components/error-banner.js';
import { Loading } from '../../components/loading.js';
import type { MarkerRange } from './violation-markers.js';

type MonacoModule = typeof import('./monaco-setup.js');

export interface YamlEditorProps {
  value: string;
  onChange?: (value: string) => void;
  /** The API's violations, as markers at their line and column. */
  markers?: MarkerRange[];
  readOnly?: boolean;
  /** Ctrl/Cmd+S. */
  onSave?: () => void;
  height?: string;
  testId?: string;
  /** Receives a handle to move the cursor (the violation list jumps to a line). */
  onReady?: (handle: EditorHandle) => void;
}

export interface EditorHandle {
  reveal(line: number, column?: number): void;
}

/** The handle Playwright tests use to type a whole flow at once: `window.ospreyFlowEditor.setValue(yaml)`. */
declare global {
  interface Window {
    ospreyFlowEditor?: { getValue(): string; setValue(value: string): void };
  }
}

let counter = 0;

/** Monaco on a YAML model of the flow schema; loads Monaco on first use. */
export function YamlEditor({ value, onChange, markers, readOnly, onSave, onReady, height = '60vh', testId = 'flow-editor' }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<MonacoEditorNs.IStandaloneCodeEditor>(undefined);
  const monacoRef = useRef<MonacoModule>(undefined);
  const applying = useRef(false);
  /**
   * Texts this editor sent out through onChange and React has not rendered back yet. A render with one of them
   * is the echo of an earlier keystroke, not an outside change: setting it would drop the keys typed since.
   */
  const emitted = useRef<string[]>([]);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<unknown>();
  const callbacks = useRef({ onChange, onSave, onReady });
  callbacks.current = { onChange, onSave, onReady };

  useEffect(() => {
    let disposed = false;
    let cleanup: (() => void) | undefined;
    import('./monaco-setup.js')
      .then(async (m) => {
        await m.configureFlowSchema();
        if (disposed || !host.current) return;
        monacoRef.current = m;
        const { monaco } = m;
        const model = monaco.editor.createModel(value, 'yaml', monaco.Uri.parse(`${m.FLOW_MODEL_PREFIX}flow-${++counter}.yaml`));
        const editor = monaco.editor.create(host.current, {
          model,
          theme: m.monacoTheme(),
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          tabSize: 2,
          insertSpaces: true,
          scrollBeyondLastLine: false,
          readOnly,
          renderWhitespace: 'boundary',
          quickSuggestions: { other: true, comments: false, strings: true },
          fixedOverflowWidgets: true,
        });
        editorRef.current = editor;
        // Text set from outside (a loaded flow) is not an edit: only the user's changes go back to onChange.
        const change = model.onDidChangeContent(() => {
          if (applying.current) return;
          const text = model.getValue();
          emitted.current.push(text);
          callbacks.current.onChange?.(text);
        });
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => callbacks.current.onSave?.());
        // Follow the app's theme toggle.
        const observer = new MutationObserver(() => monaco.editor.setTheme(m.monacoTheme()));
        observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
        if (!readOnly) window.ospreyFlowEditor = { getValue: () => model.getValue(), setValue: (v) => model.setValue(v) };
        cleanup = () => {
          observer.disconnect();
          change.dispose();
          editor.dispose();
          model.dispose();
          if (!readOnly) delete window.ospreyFlowEditor;
        };
        callbacks.current.onReady?.({
          reveal(line, column = 1) {
            editor.revealLineInCenter(line);
            editor.setPosition({ lineNumber: line, column });
            editor.focus();
          },
        });
        setReady(true);
      })
      .catch((e: unknown) => {
        if (!disposed) setError(e);
      });
    return () => {
      disposed = true;
      cleanup?.();
      editorRef.current = undefined;
    };
    // The editor is created once; value changes from outside are applied below.
  }, [readOnly]);

  // Outside changes (a loaded revision, a reset) replace the text; typing does not come back here as a change.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const echo = emitted.current.lastIndexOf(value);
    if (echo >= 0) {
      // The echo of our own edit: what was emitted up to it is rendered (or skipped by batching); later ones are pending.
      emitted.current.splice(0, echo + 1);
      return;
    }
    emitted.current = [];
    if (model.getValue() !== value) {
      applying.current = true;
      try {
        model.setValue(value);
      } finally {
        applying.current = false;
      }
    }
  }, [value, ready]);

  useEffect(() => {
    const m = monacoRef.current;
    const model = editorRef.current?.getModel();
    if (!m || !model) return;
    m.monaco.editor.setModelMarkers(
      model,
      'osprey',
      (markers ?? []).map((marker) => ({ ...marker, severity: m.monaco.MarkerSeverity.Error, source: 'Osprey' })),
    );
  }, [markers, ready]);

  if (error) return <ErrorBanner error={error} title="The editor failed to load" />;
  return (
    <div className="yaml-editor" style={{ height }} data-testid={testId} data-ready={ready ? 'true' : 'false'}>
      {!ready && <Loading label="Loading the editor…" />}
      <div ref={host} className="yaml-editor__host" />
    </div>
  );
}
