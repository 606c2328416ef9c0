-- Identity and access: staff users, sessions, magic links, passkeys, invitations, invoice links,
-- rate-limit counters, the mail outbox and staff notifications.

ALTER TABLE tenants ADD COLUMN invitation_daily_limit INTEGER NOT NULL DEFAULT 50;
ALTER TABLE tenants ADD COLUMN allow_link_payments INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contacts ADD COLUMN disabled_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read,write,payments';
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;

CREATE TABLE staff_users (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    disabled_at BIGINT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, email)
);

-- user_kind: 'staff' (staff_users) or 'contact' (contacts).
CREATE TABLE sessions (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    token_hash TEXT NOT NULL,
    user_kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    user_agent TEXT,
    ip TEXT,
    UNIQUE (tenant_id, token_hash)
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_kind, user_id);

CREATE TABLE magic_links (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    token_hash TEXT NOT NULL,
    purpose TEXT NOT NULL,
    user_kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    UNIQUE (tenant_id, token_hash)
);

CREATE TABLE auth_attempts (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    attempt_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX auth_attempts_key ON auth_attempts (tenant_id, kind, attempt_key, created_at);

CREATE TABLE invitations (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    sent_count INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    revoked_at BIGINT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id)
);

CREATE TABLE invoice_links (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    invoice_id TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);

CREATE TABLE passkeys (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    user_kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_handle TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    UNIQUE (tenant_id, credential_id)
);
CREATE INDEX passkeys_user ON passkeys (tenant_id, user_handle);

-- Registration and authentication ceremonies in progress (server-side state).
CREATE TABLE webauthn_states (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    session_id TEXT,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE outbox (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    claimed_by TEXT,
    claimed_at BIGINT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE notifications (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    subject_id TEXT,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_tenant ON notifications (tenant_id, created_at);
