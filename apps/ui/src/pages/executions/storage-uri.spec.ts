import { executionFilePaths, isStorageUri, storageFileName } from './storage-uri.js';

describe('storage URIs', () => {
  it('recognises kestra:/// URIs only', () => {
    expect(isStorageUri('kestra:///dev/flow/executions/e1/tasks/t/run/out.csv')).toBe(true);
    expect(isStorageUri('kestra:///')).toBe(false);
    expect(isStorageUri('https://example.com/a.csv')).toBe(false);
    expect(isStorageUri(42)).toBe(false);
  });

  it('names the file and builds encoded download and preview paths', () => {
    const uri = 'kestra:///dev/f/executions/e1/out file.csv';
    expect(storageFileName(uri)).toBe('out file.csv');
    expect(executionFilePaths('e1', uri)).toEqual({
      download: '/executions/e1/file?path=kestra%3A%2F%2F%2Fdev%2Ff%2Fexecutions%2Fe1%2Fout%20file.csv',
      preview: '/executions/e1/file/preview?path=kestra%3A%2F%2F%2Fdev%2Ff%2Fexecutions%2Fe1%2Fout%20file.csv',
    });
  });
});
