-- An email may carry one document as an attachment (a receipt's PDF): the outbox keeps a
-- reference to it (JSON: kind, id, client, language), and the mail worker draws the file when it
-- sends, so the row stays small and a retry draws it again.
ALTER TABLE outbox ADD COLUMN attachment TEXT;
