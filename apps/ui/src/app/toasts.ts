// A tiny global store of toasts: any code may call `toast('Saved')`; <Toaster/> shows them.
export type ToastKind = 'info' | 'success' | 'error';
export interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

let next = 1;
let toasts: Toast[] = [];
const listeners = new Set<(toasts: Toast[]) => void>();

function emit() {
  for (const listener of listeners) listener(toasts);
}

export function toast(message: string, kind: ToastKind = 'info', timeoutMs = kind === 'error' ? 8000 : 4000): void {
  const item = { id: next++, message, kind };
  toasts = [...toasts, item];
  emit();
  setTimeout(() => dismissToast(item.id), timeoutMs);
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function subscribeToasts(listener: (toasts: Toast[]) => void): () => void {
  listeners.add(listener);
  listener(toasts);
  return () => listeners.delete(listener);
}
