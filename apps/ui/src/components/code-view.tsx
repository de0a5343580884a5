import { useState } from 'react';

/** Read-only text or JSON, monospaced, with a copy button. */
export function CodeView({ value, language, maxHeight, testId }: { value: unknown; language?: string; maxHeight?: string; testId?: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? String(value);
  const [copied, setCopied] = useState(false);
  return (
    <div className="code-view" data-language={language} data-testid={testId}>
      <button
        type="button"
        className="btn btn--small btn--ghost code-view__copy"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <pre style={{ maxHeight }}>
        <code>{text}</code>
      </pre>
    </div>
  );
}
