-- What invoice search compares: number, reference and line descriptions folded the same way on
-- every database (Unicode lower case, no accents), written by Portico whenever they change and
-- filled for older rows when Portico starts.
ALTER TABLE invoices ADD COLUMN search_text TEXT;
