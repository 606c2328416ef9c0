-- The business's time zone (IANA name): the portal shows every time of day in it.
ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
