import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, StreamableFile, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { NotFoundError, REPOSITORY, type Repository } from '@osprey/repository';
import { InvalidArgumentError } from '../invalid-argument-error.js';
import { NotSupportedError } from '../not-supported-error.js';
import { writeNamespaceArchive } from '../namespaces/namespace-archive.js';
import { NamespaceFiles } from '../namespaces/namespace-files.js';
import { checkNamespace, withParentNamespaces } from '../namespaces/namespace-name.js';
import { ApiErrors, ApiFileResponse, ApiFileUpload, ApiPaging } from './api-docs.js';
import { FileAttributesModel, NamespaceModel, PagedNamespaces } from './api-models.js';
import { readSearchQuery, type RawQuery } from './filter-params.js';
import { oneParam, pageParams } from './query-params.js';
import { UploadInterceptor, type UploadedFile } from './upload.interceptor.js';
import { UnsupportedQuery } from './query-declarations.js';

type Param = string | string[] | undefined;

/** Kestra's namespace endpoints: the namespaces that hold flows (and their parents), and namespace files. */
@ApiTags('Namespaces')
@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(
    @Inject(REPOSITORY) private readonly repository: Repository,
    @Inject(NamespaceFiles) private readonly files: NamespaceFiles,
  ) {}

  @Get('search')
  @ApiOperation({ summary: 'Search namespaces', description: 'Namespaces of the flows and their parents, sorted by id.' })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'Text contained in the namespace.' })
  @ApiPaging(1000, 10, 'id')
  @UnsupportedQuery({
    existing: 'Osprey lists the namespaces of its flows and their parents; it keeps no other namespaces',
    filters: 'namespaces are searched with q only',
  })
  @ApiOkResponse({ type: PagedNamespaces })
  @ApiErrors(400)
  async search(@Query() raw: RawQuery) {
    const { params } = readSearchQuery(raw, { params: ['q', 'page', 'size', 'sort'] });
    const q = params.q;
    const { page = 1, size = 10, sort } = pageParams(params.page, params.size, params.sort, 1000, 10);
    if (sort && !/^id(:(asc|desc))?$/i.test(sort)) throw new InvalidArgumentError('sort', 'namespaces sort on id:asc or id:desc');
    const text = oneParam(q, 'q')?.toLowerCase();
    let ids = withParentNamespaces(await this.repository.flows.namespaces());
    if (text) ids = ids.filter((id) => id.toLowerCase().includes(text));
    if (sort?.toLowerCase().endsWith(':desc')) ids.reverse();
    return { results: ids.slice((page - 1) * size, page * size).map((id) => ({ id, deleted: false })), total: ids.length };
  }

  @Get(':namespace/files/search')
  @ApiOperation({ summary: 'Find namespace files whose path contains a text', description: 'Paths of files (not folders) from the namespace root, e.g. /scripts/main.py, sorted.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'q', required: true, type: String, description: 'Text the path contains (case-sensitive, as in Kestra).' })
  @ApiOkResponse({ type: [String] })
  @ApiErrors(400)
  async searchFiles(@Param('namespace') namespace: string, @Query('q') q?: Param) {
    const text = oneParam(q, 'q');
    if (text === undefined) throw new InvalidArgumentError('q', 'is required');
    return this.files.search(namespace, text);
  }

  @Get(':namespace/files/export')
  @ApiOperation({ summary: 'Export the namespace files and flows as a ZIP', description: 'Files at their paths from the namespace root; the flows of exactly this namespace as _flows/<id>.yml.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiFileResponse('application/octet-stream', 'A ZIP archive, streamed.')
  @ApiErrors(400)
  async exportFiles(@Param('namespace') namespace: string): Promise<StreamableFile> {
    checkNamespace(namespace);
    const flows = (await this.repository.flows.list(namespace)).filter((f) => f.namespace === namespace);
    return new StreamableFile(writeNamespaceArchive(this.files, namespace, flows), {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${namespace}_files.zip"`,
    });
  }

  @Post(':namespace/files/directory')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a folder of namespace files', description: 'With its parents; it is kept while empty, and goes when its last file is deleted (as in Kestra).' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'path', required: false, type: String, description: 'Folder path, e.g. /scripts; the root (which always exists) by default.' })
  @ApiOkResponse({ description: 'Created (or already there).' })
  @ApiErrors(400)
  async createDirectory(@Param('namespace') namespace: string, @Query('path') path?: Param): Promise<void> {
    await this.files.createDirectory(namespace, oneParam(path, 'path') ?? '');
  }

  @Get(':namespace/files/directory')
  @ApiOperation({ summary: 'List a folder of namespace files', description: 'The files and folders directly in the folder; the root by default.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'path', required: false, type: String, description: 'Folder path, e.g. /scripts.' })
  @ApiOkResponse({ type: [FileAttributesModel] })
  @ApiErrors(400, 404)
  async listFiles(@Param('namespace') namespace: string, @Query('path') path?: Param) {
    return this.files.list(namespace, oneParam(path, 'path'));
  }

  @Get(':namespace/files/stats')
  @ApiOperation({ summary: 'Get the attributes of a namespace file or folder' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'path', required: false, type: String, description: 'File or folder path; the root by default.' })
  @ApiOkResponse({ type: FileAttributesModel })
  @ApiErrors(400, 404)
  async fileStats(@Param('namespace') namespace: string, @Query('path') path?: Param) {
    return this.files.stats(namespace, oneParam(path, 'path') ?? '');
  }

  @Get(':namespace/files')
  @UnsupportedQuery({ revision: 'namespace files keep no revisions' })
  @ApiOperation({ summary: 'Download a namespace file' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'path', required: true, type: String, description: 'File path, e.g. /scripts/main.py.' })
  @ApiFileResponse('application/octet-stream', 'The file, streamed.')
  @ApiErrors(400, 404)
  async getFile(@Param('namespace') namespace: string, @Query('path') path?: Param): Promise<StreamableFile> {
    const file = requiredPath(path);
    const stream = await this.files.get(namespace, file);
    const name = file.split('/').pop() ?? 'file';
    return new StreamableFile(stream, { type: 'application/octet-stream', disposition: `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"` });
  }

  @Post(':namespace/files')
  @HttpCode(200)
  @UseInterceptors(UploadInterceptor)
  @ApiOperation({ summary: 'Upload a namespace file', description: 'Creates or replaces the file at `path`; a file above maxUploadBytes is refused with 413 and nothing is stored. A file named *.zip is refused with 501: Osprey does not unpack archives into the namespace.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'path', required: true, type: String, description: 'File path, e.g. /scripts/main.py.' })
  @ApiFileUpload('fileContent', 'The file content.')
  @ApiOkResponse({ type: FileAttributesModel })
  @ApiErrors(400, 413, 501)
  async putFile(@Param('namespace') namespace: string, @Query('path') path?: Param, @UploadedFiles() files: UploadedFile[] = []) {
    try {
      const target = requiredPath(path);
      const file = files.find((f) => f.fieldname === 'fileContent');
      if (!file) throw new InvalidArgumentError('fileContent', 'attach the file in the fileContent field (multipart/form-data)');
      // Kestra unpacks a .zip upload into the namespace (and imports its _flows/): storing it whole would differ silently.
      if (file.originalname.toLowerCase().endsWith('.zip')) throw new NotSupportedError('unpacking a .zip upload into namespace files (upload its files one by one)');
      return await this.files.put(namespace, target, createReadStream(file.path));
    } finally {
      await Promise.all(files.map((f) => rm(f.path, { force: true })));
    }
  }

  @Put(':namespace/files')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a namespace file, or a folder with everything in it', description: 'The target must not exist yet; emptied parent folders go.' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'from', required: true, type: String, description: 'File or folder path to move.' })
  @ApiQuery({ name: 'to', required: true, type: String, description: 'Its new path.' })
  @ApiOkResponse({ description: 'Moved.' })
  @ApiErrors(400, 404)
  async moveFile(@Param('namespace') namespace: string, @Query('from') from?: Param, @Query('to') to?: Param): Promise<void> {
    const source = oneParam(from, 'from');
    const target = oneParam(to, 'to');
    if (!source) throw new InvalidArgumentError('from', 'is required');
    if (!target) throw new InvalidArgumentError('to', 'is required');
    await this.files.move(namespace, source, target);
  }

  @Delete(':namespace/files')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a namespace file, or a folder with everything in it' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiQuery({ name: 'path', required: true, type: String, description: 'File or folder path.' })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrors(400, 404)
  async deleteFile(@Param('namespace') namespace: string, @Query('path') path?: Param): Promise<void> {
    const target = requiredPath(path);
    if (!(await this.files.delete(namespace, target))) throw new NotFoundError('namespace file', `${namespace}:${target}`);
  }

  @Get(':namespace')
  @ApiOperation({ summary: 'Get a namespace' })
  @ApiParam({ name: 'namespace', description: 'The namespace.' })
  @ApiOkResponse({ type: NamespaceModel })
  @ApiErrors(400, 404)
  async get(@Param('namespace') namespace: string) {
    checkNamespace(namespace);
    const known = withParentNamespaces(await this.repository.flows.namespaces());
    if (!known.includes(namespace)) throw new NotFoundError('namespace', namespace);
    return { id: namespace, deleted: false };
  }
}

function requiredPath(path: Param): string {
  const value = oneParam(path, 'path');
  if (!value) throw new InvalidArgumentError('path', 'is required');
  return value;
}
