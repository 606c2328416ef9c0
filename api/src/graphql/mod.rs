//! The GraphQL API: schema (Relay conventions), limits and error coding. Transport-agnostic: the
//! HTTP layer (`http.rs`) mounts it; the portal and tests execute it in-process too.

pub mod context;
pub mod credit_use;
pub mod demo_checkout;
pub mod ids;
pub mod inputs;
pub mod invitation_page;
pub mod invoice_link_page;
pub mod ledger;
pub mod loaders;
pub mod mutation;
pub mod parties;
pub mod query;
pub mod reports;
pub mod scalars;
pub mod subscription;
pub mod tenant_settings;
pub mod work;

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Response, Schema, ServerError, ServerResult, Variables};

use async_graphql::MergedObject;
pub use context::{RequestData, Shared};
use subscription::Subscription;

/// The Query root: the core reads and each area's own.
#[derive(MergedObject, Default)]
pub struct Query(
    query::CoreQuery,
    invitation_page::InvitationPageQuery,
    invoice_link_page::InvoiceLinkQuery,
    demo_checkout::DemoCheckoutQuery,
);

/// The Mutation root: the core ledger mutations and each area's own.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutation::CoreMutation,
    credit_use::CreditUseMutation,
    tenant_settings::TenantSettingsMutation,
);

pub type PorticoSchema = Schema<Query, Mutation, Subscription>;

pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 2_000;
pub const MAX_ALIASES: usize = 30;
pub const MAX_BATCH: usize = 10;

pub fn build_schema(shared: Shared) -> PorticoSchema {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .data(shared)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(10)
        .extension(Guard)
        .finish()
}

/// The SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .finish()
        .sdl()
}

/// Refuses documents with too many aliases and gives every error an `extensions.code`.
struct Guard;

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Guard {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response
            .errors
            .iter_mut()
            .for_each(crate::error::stamp_code);
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mut aliases = 0;
        for (_, op) in doc.operations.iter() {
            aliases += count_aliases(&op.node.selection_set.node);
        }
        for frag in doc.fragments.values() {
            aliases += count_aliases(&frag.node.selection_set.node);
        }
        if aliases > MAX_ALIASES {
            let mut err = ServerError::new(
                format!("too many aliases ({aliases} > {MAX_ALIASES})"),
                None,
            );
            err.extensions
                .get_or_insert_with(Default::default)
                .set("code", "BAD_USER_INPUT");
            return Err(err);
        }
        Ok(doc)
    }
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => count_aliases(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}
