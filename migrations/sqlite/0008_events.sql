-- Live events, kept for a week after they are published: an instance whose Redis listener was
-- reconnecting, and a subscriber that reconnects with the last event id it saw, catch up from here.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    client_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    status TEXT,
    amount_minor BIGINT,
    currency TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX events_tenant_seq ON events (tenant_id, seq);
CREATE INDEX events_at ON events (at);
