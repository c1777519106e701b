import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/public.decorator';
import { projectRoot } from '../config/project-root';

/** What `npm run build` bundles (scripts/build-dashboard.mjs): the only files served. */
const ASSETS: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };
const DIR = join(projectRoot, 'dist', 'dashboard-ui');

/**
 * The operations dashboard: a static page and its bundle, public (the page signs in through the
 * API, and every figure it shows comes from routes that check the caller). Helmet's default CSP
 * fits it: its own script and stylesheet only, API and socket on the same origin.
 */
@ApiExcludeController()
@Public()
@Controller('dashboard')
export class DashboardController {
  @Get()
  page(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-cache');
    this.send(res, 'index.html', 'text/html; charset=utf-8');
  }

  @Get(':asset')
  asset(@Param('asset') asset: string, @Res() res: Response): void {
    const type = ASSETS[asset];
    if (!type) throw new NotFoundException('No such dashboard file');
    res.setHeader('Cache-Control', 'no-cache');
    this.send(res, asset, type);
  }

  private send(res: Response, file: string, type: string): void {
    const path = join(DIR, file);
    if (!existsSync(path)) throw new NotFoundException('The dashboard is not built: run npm run build');
    res.type(type).sendFile(path);
  }
}
