//! DataLoaders: each batches one kind of lookup for a whole page into a single statement, so a
//! page of invoices with their client, lines and payments costs a constant number of statements.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};

use crate::core::db::Store;
use crate::core::error::AppError;
use crate::core::scope::Scope;
use crate::invoicing::Invoice;
use crate::invoicing::Line;
use crate::parties::Client;
use crate::payments::AllocationRow;
use crate::payments::Payment;
use crate::projects::TimeEntry;

/// A per-request loader with a cache (see `prime_invoices`).
pub type Cached<T> = DataLoader<T, HashMapCache>;

pub struct Loaders {
    pub clients: Cached<ClientLoader>,
    pub invoices: Cached<InvoiceLoader>,
    pub payments: Cached<PaymentLoader>,
    pub lines: Cached<LinesLoader>,
    pub invoice_allocations: Cached<InvoiceAllocationsLoader>,
    pub payment_allocations: Cached<PaymentAllocationsLoader>,
    pub time_entries: Cached<TimeEntriesLoader>,
}

impl Loaders {
    pub fn new(store: Store, scope: Scope) -> Loaders {
        let base = Base { store, scope };
        Loaders {
            clients: DataLoader::with_cache(
                ClientLoader(base.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            invoices: DataLoader::with_cache(
                InvoiceLoader(base.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            payments: DataLoader::with_cache(
                PaymentLoader(base.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            lines: DataLoader::with_cache(
                LinesLoader(base.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            invoice_allocations: DataLoader::with_cache(
                InvoiceAllocationsLoader(base.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            payment_allocations: DataLoader::with_cache(
                PaymentAllocationsLoader(base.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            time_entries: DataLoader::with_cache(
                TimeEntriesLoader(base),
                tokio::spawn,
                HashMapCache::default(),
            ),
        }
    }
}

#[derive(Clone)]
pub struct Base {
    store: Store,
    scope: Scope,
}

type LoadError = Arc<AppError>;

impl Loaders {
    /// Loads, with one statement each, what the selection asks of a page of invoices and feeds
    /// it into the loaders' caches, so the per-item resolvers never go to the database: the
    /// statement count of a page depends neither on its size nor on how the executor happens to
    /// interleave its items (timer-based batching alone can split a page into several batches).
    pub async fn prime_invoices(
        &self,
        store: &Store,
        scope: &Scope,
        node: async_graphql::Lookahead<'_>,
        invoices: &[Invoice],
    ) -> Result<(), AppError> {
        let ids: Vec<String> = invoices.iter().map(|i| i.id.to_string()).collect();
        if node.field("client").exists() {
            let mut keys: Vec<String> = invoices.iter().map(|i| i.client_id.to_string()).collect();
            keys.sort();
            keys.dedup();
            let found = by_id(store.clients_by_ids(scope, &keys).await?, |c| &c.id);
            self.clients.feed_many(found).await;
        }
        if node.field("lines").exists() || node.field("taxes").exists() {
            let found = grouped(&ids, store.lines_for_documents(scope, &ids).await?, |l| {
                &l.document_id
            });
            self.lines.feed_many(found).await;
        }
        let payments = node.field("payments");
        if payments.exists() {
            let found = grouped(
                &ids,
                store.allocations_for_invoices(scope, &ids).await?,
                |a| &a.invoice_id,
            );
            if payments.field("payment").exists() {
                let mut keys: Vec<String> = found
                    .values()
                    .flatten()
                    .map(|a| a.payment_id.clone())
                    .collect();
                keys.sort();
                keys.dedup();
                let paid = by_id(store.payments_by_ids(scope, &keys).await?, |p| &p.id);
                self.payments.feed_many(paid).await;
            }
            self.invoice_allocations.feed_many(found).await;
        }
        Ok(())
    }
}

fn by_id<T>(items: Vec<T>, id: impl Fn(&T) -> &str) -> HashMap<String, T> {
    items.into_iter().map(|i| (id(&i).to_owned(), i)).collect()
}

/// Groups items by key, with an empty group for every requested key that has none (so that the
/// cache remembers "nothing" too).
fn grouped<T>(
    keys: &[String],
    items: Vec<T>,
    key: impl Fn(&T) -> &String,
) -> HashMap<String, Vec<T>> {
    let mut map: HashMap<String, Vec<T>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for i in items {
        map.entry(key(&i).clone()).or_default().push(i);
    }
    map
}

pub struct ClientLoader(Base);
impl Loader<String> for ClientLoader {
    type Value = Client;
    type Error = LoadError;
    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Client>, LoadError> {
        Ok(by_id(
            self.0.store.clients_by_ids(&self.0.scope, keys).await?,
            |c| &c.id,
        ))
    }
}

pub struct InvoiceLoader(Base);
impl Loader<String> for InvoiceLoader {
    type Value = Invoice;
    type Error = LoadError;
    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Invoice>, LoadError> {
        Ok(by_id(
            self.0.store.invoices_by_ids(&self.0.scope, keys).await?,
            |i| &i.id,
        ))
    }
}

pub struct PaymentLoader(Base);
impl Loader<String> for PaymentLoader {
    type Value = Payment;
    type Error = LoadError;
    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Payment>, LoadError> {
        Ok(by_id(
            self.0.store.payments_by_ids(&self.0.scope, keys).await?,
            |p| &p.id,
        ))
    }
}

pub struct LinesLoader(Base);
impl Loader<String> for LinesLoader {
    type Value = Vec<Line>;
    type Error = LoadError;
    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Vec<Line>>, LoadError> {
        Ok(grouped(
            keys,
            self.0
                .store
                .lines_for_documents(&self.0.scope, keys)
                .await?,
            |l| &l.document_id,
        ))
    }
}

pub struct InvoiceAllocationsLoader(Base);
impl Loader<String> for InvoiceAllocationsLoader {
    type Value = Vec<AllocationRow>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Vec<AllocationRow>>, LoadError> {
        Ok(grouped(
            keys,
            self.0
                .store
                .allocations_for_invoices(&self.0.scope, keys)
                .await?,
            |a| &a.invoice_id,
        ))
    }
}

pub struct PaymentAllocationsLoader(Base);
impl Loader<String> for PaymentAllocationsLoader {
    type Value = Vec<AllocationRow>;
    type Error = LoadError;
    async fn load(
        &self,
        keys: &[String],
    ) -> Result<HashMap<String, Vec<AllocationRow>>, LoadError> {
        Ok(grouped(
            keys,
            self.0
                .store
                .allocations_for_payments(&self.0.scope, keys)
                .await?,
            |a| &a.payment_id,
        ))
    }
}

pub struct TimeEntriesLoader(Base);
impl Loader<String> for TimeEntriesLoader {
    type Value = Vec<TimeEntry>;
    type Error = LoadError;
    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Vec<TimeEntry>>, LoadError> {
        Ok(grouped(
            keys,
            self.0
                .store
                .time_entries_for_projects(&self.0.scope, keys)
                .await?,
            |t| &t.project_id,
        ))
    }
}
