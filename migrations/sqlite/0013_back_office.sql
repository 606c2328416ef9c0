-- The back-office: the logo file, the sections a business turned off for its clients (a comma-separated list of
-- section keys, so sections added later start on), and its help articles, each in one language
-- and written in Markdown, in the order staff gave them.
ALTER TABLE tenants ADD COLUMN hidden_sections TEXT NOT NULL DEFAULT '';
-- An uploaded logo: its file in the file store (`logo-HASH.png`); `logo` keeps the earlier
-- inline `data:` URIs.
ALTER TABLE tenants ADD COLUMN logo_file TEXT;
-- How long its people's sessions last, within the deployment's bounds (30 days idle, 90 in
-- all); each session keeps the idle span it was given.
ALTER TABLE tenants ADD COLUMN session_idle_days BIGINT NOT NULL DEFAULT 30;
ALTER TABLE tenants ADD COLUMN session_absolute_days BIGINT NOT NULL DEFAULT 90;
ALTER TABLE sessions ADD COLUMN idle_ms BIGINT;
-- The invoice an accepted estimate became (once).
ALTER TABLE estimates ADD COLUMN invoice_id TEXT;
CREATE TABLE help_articles (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    locale TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (tenant_id, id)
);
CREATE INDEX help_articles_tenant ON help_articles (tenant_id, locale, position);
