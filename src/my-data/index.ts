/** The my-data capability's public face: what later capabilities and the application may use. */
export { composeMyData, type MyDataServices } from './compose.js';
export { meDataRoutes } from './routes/me-data.js';
