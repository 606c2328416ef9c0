-- What the portal needs: the tenant's logo (a data: URI of an SVG, PNG or JPEG image, at most
-- 64 KiB), each person's language, and per-reader read markers on message threads (unread counts).

ALTER TABLE tenants ADD COLUMN logo TEXT CHECK (
    logo IS NULL OR (length(logo) <= 65536 AND (logo LIKE 'data:image/svg+xml%'
        OR logo LIKE 'data:image/png%' OR logo LIKE 'data:image/jpeg%')));
ALTER TABLE contacts ADD COLUMN locale TEXT;
ALTER TABLE staff_users ADD COLUMN locale TEXT;

-- reader_kind: 'staff', 'contact' or 'partner'; reader_id: the staff user, contact or token.
CREATE TABLE thread_reads (
    tenant_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    reader_kind TEXT NOT NULL CHECK (reader_kind IN ('staff', 'contact', 'partner')),
    reader_id TEXT NOT NULL,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, thread_id, reader_kind, reader_id),
    FOREIGN KEY (tenant_id, thread_id) REFERENCES threads (tenant_id, id)
);
CREATE INDEX notifications_unread ON notifications (tenant_id, read_at);
