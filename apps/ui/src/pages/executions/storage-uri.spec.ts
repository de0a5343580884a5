import { executionFilePaths, isStorageUri, storageFileName } from './storage-uri.js';

describe('storage URIs', () => {
  it('recognises kestra:/// URIs only', () => {
    expect(isStorageUri('kestra:///dev/flow/executions/e1/tasks/t/run/out.csv')).toBe(true);
    expect(isStorageUri('kestra:///')).toBe(false);
    expect(isStorageUri('https://example.com/a.csv')).toBe(false);
    expect(isStorageUri(42)).toBe(false);
  });

  it('names the file and builds the download and preview paths of the execution', () => {
    expect(storageFileName('kestra:///dev/f/executions/e1/out file.csv')).toBe('out file.csv');
    expect(executionFilePaths('e/1')).toEqual({ download: '/api/v1/executions/e%2F1/file', preview: '/api/v1/executions/e%2F1/file/preview' });
  });
});
