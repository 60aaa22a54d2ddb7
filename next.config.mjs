/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // NEXT_DIST_DIR lets parallel builds (a developer's and a test run's) keep apart.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The Prisma client, pg and PGlite run on the server only and must not be bundled.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@electric-sql/pglite", "@electric-sql/pglite-socket", "socket.io"],
};
export default nextConfig;
