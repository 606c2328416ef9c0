-- What a notification is about, as data (JSON object: numbers, names, amounts), so the portal can
-- say it in each reader's language; `message` keeps the English sentence for API callers.
ALTER TABLE notifications ADD COLUMN params TEXT;
