-- Emails go as plain text and HTML: the outbox keeps the HTML rendering beside the text (NULL for
-- mail queued before, which is sent as text only).
ALTER TABLE outbox ADD COLUMN html TEXT;
