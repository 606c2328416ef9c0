-- The gateway's payment reference (Stripe's payment intent), for refunds and disputes.
ALTER TABLE payment_attempts ADD COLUMN gateway_payment_ref TEXT;
