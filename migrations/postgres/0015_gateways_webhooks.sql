-- Crypto payments, gateway health and partner webhooks (issue 14).

-- Payments whose result is confirmed by asking the gateway (PassimPay): one check per attempt,
-- worked by the job runner with backoff until the gateway says paid or failed, or it expires.
CREATE TABLE gateway_checks (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    attempt_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    next_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT,
    PRIMARY KEY (tenant_id, attempt_id)
);
CREATE INDEX gateway_checks_due ON gateway_checks (next_at) WHERE done_at IS NULL;

-- Each gateway's health for each business: consecutive failures; once it is down it is hidden
-- from the pay page until a probe succeeds.
CREATE TABLE gateway_health (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    provider TEXT NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    down_since BIGINT,
    probe_at BIGINT,
    probes BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_at BIGINT,
    last_error TEXT,
    last_failure_at BIGINT,
    last_success_at BIGINT,
    PRIMARY KEY (tenant_id, provider)
);
CREATE INDEX gateway_health_probe ON gateway_health (probe_at) WHERE down_since IS NOT NULL;

-- Partners' webhook endpoints: where to send which events (`event_types`: `*`, or the types
-- between commas: `,invoice.paid,payment.succeeded,`), signed with a secret sealed with
-- PORTICO_SECRET_KEY; after a rotation the previous secret signs too until `previous_until`.
CREATE TABLE webhook_endpoints (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    url TEXT NOT NULL,
    description TEXT,
    event_types TEXT NOT NULL,
    secret_enc TEXT NOT NULL,
    previous_secret_enc TEXT,
    previous_until BIGINT,
    enabled INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    failing_since BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at);

-- One delivery per event per endpoint, queued in the transaction of the change itself (so
-- nothing is lost and no instance can queue it twice). `id` is the Standard Webhooks message id
-- (`webhook-id`), the same on every try; the payload is fixed at the first try.
CREATE TABLE webhook_deliveries (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    payload TEXT,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_at BIGINT,
    response_status BIGINT,
    duration_ms BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_object ON webhook_deliveries (endpoint_id, object_id, seq);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
-- Each try of a delivery, for the endpoint's delivery log.
CREATE TABLE webhook_tries (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    at BIGINT NOT NULL,
    response_status BIGINT,
    duration_ms BIGINT NOT NULL,
    error TEXT
);
CREATE INDEX webhook_tries_delivery ON webhook_tries (delivery_id, at);

ALTER TABLE gateway_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_checks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_checks
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'gateways')
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'gateways');
ALTER TABLE gateway_health ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_health FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_health
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'gateways')
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'gateways');
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_endpoints
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'webhooks')
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'webhooks');
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'webhooks')
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'webhooks');
ALTER TABLE webhook_tries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_tries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_tries
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'webhooks')
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')
           OR current_setting('app.worker', true) = 'webhooks');
