-- Host names, staff security and languages.
-- A business's own host name (`billing.acme.example`), lower case, routed to it by `Host`.
ALTER TABLE tenants ADD COLUMN host_name TEXT;
CREATE UNIQUE INDEX tenants_host_name ON tenants (host_name);
-- Staff sign in with a passkey (after a first sign-in by link), and only from these networks
-- (comma-separated addresses or CIDR ranges; empty: anywhere).
ALTER TABLE tenants ADD COLUMN staff_passkeys_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN staff_networks TEXT NOT NULL DEFAULT '';
-- The languages the portal offers its clients (comma-separated locale codes).
ALTER TABLE tenants ADD COLUMN languages TEXT NOT NULL DEFAULT 'en,el';
-- Public sign-up (when the deployment allows it): an address proves itself through a link
-- before its business exists.
CREATE TABLE signups (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    business TEXT NOT NULL,
    slug TEXT NOT NULL,
    currency TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX signups_email ON signups (email, created_at);
