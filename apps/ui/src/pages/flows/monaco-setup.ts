// Monaco with YAML and monaco-yaml, configured once. Imported dynamically by yaml-editor.tsx only, so
// Monaco (~3 MB) is never part of the first load of other pages.
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml, type JSONSchema } from 'monaco-yaml';
// @ts-expect-error -- monaco's own module without typings: the createWebWorker of monaco < 0.55 (label, moduleId, createData).
import { createWebWorker as createLegacyWebWorker } from 'monaco-editor/internal/common/workers';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from 'monaco-yaml/yaml.worker?worker';
import { api } from '../../api/index.js';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(moduleId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_moduleId: string, label: string) {
    return label === 'yaml' ? new YamlWorker() : new EditorWorker();
  },
};

/** Flow models are named flow-<n>.yaml; the flow schema applies to them. */
export const FLOW_MODEL_PREFIX = 'file:///flows/';

let configured: Promise<void> | undefined;

/** Loads the flow JSON Schema from the API and hands it to monaco-yaml (completion, hover, validation). */
export function configureFlowSchema(): Promise<void> {
  configured ??= api
    .get<JSONSchema>('/api/v1/plugins/schemas/flow')
    .catch(() => undefined) // no schema (older server): the editor still works, without completion
    .then((schema) => {
      // monaco-yaml's worker manager still calls editor.createWebWorker({ label, moduleId, createData }), which
      // monaco 0.55+ replaced with ({ worker }); monaco's own languages use this adapter for the old form.
      const compatible = { ...monaco, editor: { ...monaco.editor, createWebWorker: createLegacyWebWorker } } as typeof monaco;
      configureMonacoYaml(compatible, {
        enableSchemaRequest: false,
        hover: true,
        completion: true,
        validate: true,
        format: { enable: true },
        schemas: schema ? [{ uri: `${window.location.origin}/api/v1/plugins/schemas/flow`, fileMatch: [`${FLOW_MODEL_PREFIX}*`], schema }] : [],
      });
    });
  return configured;
}

export function monacoTheme(): string {
  return document.documentElement.dataset.theme === 'light' ? 'vs' : 'vs-dark';
}

export { monaco };
