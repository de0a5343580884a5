import { useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/index.js';
import { ErrorBanner } from '../../components/index.js';
import { useFlowValidation } from './use-flow-validation.js';
import { violationMarkers } from './violation-markers.js';
import { YamlEditor, type EditorHandle } from './yaml-editor.js';

export interface FlowEditorTabProps {
  source: string;
  onChange: (source: string) => void;
  onSave: () => void;
  onDiscard?: () => void;
  dirty: boolean;
  saving: boolean;
  saveError?: unknown;
}

/** The YAML editor with the API's validation while typing: markers at each violation and a list below. */
export function FlowEditorTab({ source, onChange, onSave, onDiscard, dirty, saving, saveError }: FlowEditorTabProps) {
  const validation = useFlowValidation(source);
  // A refused save (422) names violations too; they stand until the next validation answers.
  const saveViolations = saveError instanceof ApiError ? saveError.body?.violations : undefined;
  const violations = validation.violations.length > 0 || !saveViolations ? validation.violations : saveViolations;
  const markers = useMemo(() => violationMarkers(source, violations), [source, violations]);
  const editor = useRef<EditorHandle>(undefined);
  const [showWarnings, setShowWarnings] = useState(false);

  return (
    <div className="flow-editor">
      <div className="flow-editor__toolbar">
        <span className="flow-editor__status" data-testid="validation-status" aria-live="polite">
          {validation.checking ? 'Checking…' : violations.length > 0 ? `${violations.length} problem${violations.length > 1 ? 's' : ''}` : 'Valid'}
        </span>
        {validation.warnings.length > 0 && (
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setShowWarnings((v) => !v)}>
            {validation.warnings.length} warning{validation.warnings.length > 1 ? 's' : ''}
          </button>
        )}
        <span className="flow-editor__hint muted">Ctrl+Space completes task types and properties; Ctrl+S saves.</span>
        <div className="flow-editor__actions">
          {onDiscard && (
            <button type="button" className="btn" onClick={onDiscard} disabled={!dirty || saving} data-testid="flow-discard">
              Discard changes
            </button>
          )}
          <button type="button" className="btn btn--primary" onClick={onSave} disabled={saving || !dirty} data-testid="flow-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
      <ErrorBanner error={saveError} title="Not saved" />
      <YamlEditor value={source} onChange={onChange} onSave={onSave} markers={markers} onReady={(h) => (editor.current = h)} />
      {violations.length > 0 && (
        <ul className="violations" data-testid="validation-errors" aria-label="Problems">
          {violations.map((v, i) => (
            <li key={`${i}:${v.path}:${v.message}`}>
              <button type="button" className="violations__item" data-testid="validation-error" data-line={v.line ?? ''} onClick={() => editor.current?.reveal(v.line ?? 1, v.column ?? 1)}>
                <span className="violations__pos">{v.line ? `Ln ${v.line}${v.column ? `, Col ${v.column}` : ''}` : '–'}</span>
                {v.path && <code>{v.path}</code>}
                <span>{v.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {showWarnings && (
        <ul className="violations violations--warnings">
          {validation.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      {validation.error !== undefined && <ErrorBanner error={validation.error} title="Validation unavailable" />}
    </div>
  );
}
