-- Documents and e-invoices (EN 16931): the business's VAT id and structured address, its
-- document settings (footer, payment terms, bank details, whether emails carry PDFs); clients'
-- structured address; and each line's VAT category (S standard, Z zero-rated, E exempt, AE
-- reverse charge) with the exemption reason the categories other than S and Z need.
ALTER TABLE tenants ADD COLUMN vat_id TEXT;
ALTER TABLE tenants ADD COLUMN city TEXT;
ALTER TABLE tenants ADD COLUMN postal_code TEXT;
ALTER TABLE tenants ADD COLUMN country TEXT;
ALTER TABLE tenants ADD COLUMN document_footer TEXT;
ALTER TABLE tenants ADD COLUMN payment_terms TEXT;
ALTER TABLE tenants ADD COLUMN bank_name TEXT;
ALTER TABLE tenants ADD COLUMN iban TEXT;
ALTER TABLE tenants ADD COLUMN bic TEXT;
ALTER TABLE tenants ADD COLUMN attach_pdfs INTEGER NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN city TEXT;
ALTER TABLE clients ADD COLUMN postal_code TEXT;
ALTER TABLE clients ADD COLUMN country TEXT;
ALTER TABLE lines ADD COLUMN vat_category TEXT NOT NULL DEFAULT 'S';
ALTER TABLE lines ADD COLUMN vat_exemption TEXT;
-- Lines without VAT so far were zero-rated.
UPDATE lines SET vat_category = 'Z' WHERE tax_rate IN ('0', '0.0', '0.00');
