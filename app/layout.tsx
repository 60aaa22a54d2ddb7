import type { ReactNode } from "react";
import "./globals.css";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";

export const metadata = { title: "Switchyard", description: "Orchestrate work across a pool of agents" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <Providers>
          <Nav />
          <main className="mx-auto max-w-screen-2xl px-6 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
