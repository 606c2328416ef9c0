//! DataLoaders: each batches one kind of lookup for a whole page into a single statement, so a
//! page of invoices with their client, lines and payments costs a constant number of statements.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};

use crate::auth::Scope;
use crate::error::AppError;
use crate::store::{AllocationRow, Client, Invoice, Line, Payment, Store, TimeEntry};

pub struct Loaders {
    pub clients: DataLoader<ClientLoader>,
    pub invoices: DataLoader<InvoiceLoader>,
    pub payments: DataLoader<PaymentLoader>,
    pub lines: DataLoader<LinesLoader>,
    pub invoice_allocations: DataLoader<InvoiceAllocationsLoader>,
    pub payment_allocations: DataLoader<PaymentAllocationsLoader>,
    pub time_entries: DataLoader<TimeEntriesLoader>,
}

impl Loaders {
    pub fn new(store: Store, scope: Scope) -> Loaders {
        let base = Base { store, scope };
        Loaders {
            clients: DataLoader::new(ClientLoader(base.clone()), tokio::spawn),
            invoices: DataLoader::new(InvoiceLoader(base.clone()), tokio::spawn),
            payments: DataLoader::new(PaymentLoader(base.clone()), tokio::spawn),
            lines: DataLoader::new(LinesLoader(base.clone()), tokio::spawn),
            invoice_allocations: DataLoader::new(
                InvoiceAllocationsLoader(base.clone()),
                tokio::spawn,
            ),
            payment_allocations: DataLoader::new(
                PaymentAllocationsLoader(base.clone()),
                tokio::spawn,
            ),
            time_entries: DataLoader::new(TimeEntriesLoader(base), tokio::spawn),
        }
    }
}

#[derive(Clone)]
pub struct Base {
    store: Store,
    scope: Scope,
}

type LoadError = Arc<AppError>;

fn by_id<T>(items: Vec<T>, id: impl Fn(&T) -> &String) -> HashMap<String, T> {
    items.into_iter().map(|i| (id(&i).clone(), i)).collect()
}

fn grouped<T>(items: Vec<T>, key: impl Fn(&T) -> &String) -> HashMap<String, Vec<T>> {
    let mut map: HashMap<String, Vec<T>> = HashMap::new();
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
            self.0
                .store
                .time_entries_for_projects(&self.0.scope, keys)
                .await?,
            |t| &t.project_id,
        ))
    }
}
