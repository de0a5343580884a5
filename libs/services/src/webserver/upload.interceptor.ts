import { tmpdir } from 'node:os';
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import type { OspreyConfig } from '@osprey/server';
import { OSPREY_CONFIG } from '../nest/tokens.js';

/** One file of a multipart request, as multer leaves it on disk. */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  path: string;
  size: number;
}

/**
 * Multipart bodies (Kestra's way to send inputs and files): files go to temporary files, never whole into memory,
 * and a file above `maxUploadBytes` is refused with 413 before it is stored.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  private readonly inner: NestInterceptor;

  constructor(@Inject(OSPREY_CONFIG) config: OspreyConfig) {
    const Multer = AnyFilesInterceptor({ dest: tmpdir(), limits: { fileSize: config.maxUploadBytes, fieldSize: 1024 * 1024 } });
    this.inner = new Multer(undefined as never);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> | Promise<Observable<unknown>> {
    return this.inner.intercept(context, next);
  }
}
