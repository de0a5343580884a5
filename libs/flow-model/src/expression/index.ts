export type { RenderOptions } from './render-options.js';
export { ExpressionError, UndefinedValueError, type TemplatePosition } from './expression-error.js';
export { IonSyntaxError, readIonValues, toIonText } from './ion-text.js';
export { renderTemplate, renderValue, evaluateExpression, valueToText } from './template-renderer.js';
// Same binding as the flow folder's export, so the lib's `export *` of both folders stays unambiguous.
export { isTemplate } from '../flow/template-text.js';
