// Shared widgets of every page.
export { DataTable, type Column, type DataTableProps } from './data-table.js';
export { Pagination } from './pagination.js';
export { StateBadge } from './state-badge.js';
export { STATE_COLOR, stateColor, isActiveState } from './state-colors.js';
export { EmptyState } from './empty-state.js';
export { Loading } from './loading.js';
export { ErrorBanner } from './error-banner.js';
export { Dialog, ConfirmDialog } from './dialog.js';
export { Tabs, type TabItem } from './tabs.js';
export { FiltersBar, SearchInput, SelectFilter } from './filters-bar.js';
export { CodeView } from './code-view.js';
export { TimeAgo, LiveDuration } from './time-ago.js';
export { LabelsView, toLabelList } from './labels-view.js';
export { useUrlState } from './url-state.js';
export { formatDuration, formatDate, formatRelative, formatBytes, parseIsoDuration, durationBetween } from './format.js';
export { toast, type ToastKind } from '../app/toasts.js';
