-- Live events, kept for a week after they are published: an instance whose Redis listener was
-- reconnecting, and a subscriber that reconnects with the last event id it saw, catch up from here.
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

-- Row-level security as for the ledger; an instance's listener reads across tenants to catch up
-- after a Redis outage, in transactions that set app.worker = 'events'.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'events')
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'events');
