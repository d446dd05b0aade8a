/** The tenancy capability's public face: what later capabilities and the application may use. */
export { composeTenancy, type Tenancy } from './compose.js';
export { PLATFORM_PERMISSIONS, type PermissionRegistration } from './domain/permissions.js';
export { orgRoutes } from './routes/orgs.js';
