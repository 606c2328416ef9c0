//! The GraphQL API: the schema assembled from every area's GraphQL (`<area>/graphql.rs`), with
//! what they share (request context, scalars, inputs, loaders), the core Query and Mutation,
//! subscriptions, limits and error coding. Transport-agnostic: the HTTP layer mounts it; the
//! portal and tests execute it in-process too.

pub mod context;
pub mod input_guard;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod scalars;
pub mod subscription;

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Response, Schema, ServerError, ServerResult, Variables};

use async_graphql::MergedObject;

use crate::core::state::AppState;
pub use context::RequestData;
use subscription::Subscription;

/// The Query root: the core reads and each area's own.
#[derive(MergedObject, Default)]
pub struct Query(
    query::CoreQuery,
    crate::identity::graphql::AccessQuery,
    crate::parties::graphql::invitation_page::InvitationPageQuery,
    crate::invoicing::graphql::link_page::InvoiceLinkQuery,
    crate::payments::graphql::demo_checkout::DemoCheckoutQuery,
    crate::tenancy::graphql::TenantSettingsQuery,
    crate::invoicing::graphql::editor::InvoiceEditorQuery,
    crate::help::graphql::HelpQuery,
    crate::reporting::graphql::getting_started::GettingStartedQuery,
    crate::webhooks_out::graphql::WebhooksQuery,
);

/// The Mutation root: the core ledger mutations and each area's own.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutation::CoreMutation,
    crate::parties::graphql::mutation::ClientsMutation,
    crate::payments::graphql::mutation::PaymentsMutation,
    crate::invoicing::graphql::mutation::DocumentsMutation,
    crate::projects::graphql::mutation::WorkMutation,
    crate::credit::graphql::use_credit::CreditUseMutation,
    crate::tenancy::graphql::TenantSettingsMutation,
    crate::invoicing::graphql::editor::InvoiceEditorMutation,
    crate::estimates::graphql::EstimateEditorMutation,
    crate::help::graphql::HelpMutation,
    crate::webhooks_out::graphql::WebhooksMutation,
);

pub type PorticoSchema = Schema<Query, Mutation, Subscription>;

pub const MAX_DEPTH: usize = 12;
/// How deep an introspection subtree (`__schema`, `__type`) may go: the standard introspection
/// query (GraphiQL, code generators) nests type references about ten levels below it.
pub const MAX_INTROSPECTION_DEPTH: usize = 24;
pub const MAX_COMPLEXITY: usize = 2_000;
pub const MAX_ALIASES: usize = 30;
pub const MAX_BATCH: usize = 10;

pub fn build_schema(shared: AppState) -> PorticoSchema {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .data(shared)
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
            .for_each(crate::core::error::stamp_code);
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
        input_guard::check(&doc, variables)?;
        let mut aliases = 0;
        for (_, op) in doc.operations.iter() {
            aliases += count_aliases(&op.node.selection_set.node);
        }
        for frag in doc.fragments.values() {
            aliases += count_aliases(&frag.node.selection_set.node);
        }
        // Depth: MAX_DEPTH for data, with introspection subtrees bounded on their own (a schema
        // tool's standard query must load; its own size stays bounded).
        let mut deepest = Depth::default();
        for (_, op) in doc.operations.iter() {
            let d = depth(&op.node.selection_set.node, &doc, 0);
            deepest.data = deepest.data.max(d.data);
            deepest.introspection = deepest.introspection.max(d.introspection);
        }
        if deepest.data > MAX_DEPTH || deepest.introspection > MAX_INTROSPECTION_DEPTH {
            let mut err = ServerError::new(
                format!(
                    "the query is nested too deep (at most {MAX_DEPTH} levels, {MAX_INTROSPECTION_DEPTH} under __schema or __type)"
                ),
                None,
            );
            err.extensions
                .get_or_insert_with(Default::default)
                .set("code", "BAD_USER_INPUT");
            return Err(err);
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

/// How deep a selection goes: `data` counts every field level outside introspection (an
/// introspection field counts as one), `introspection` the deepest subtree under `__schema` or
/// `__type`. Fragment spreads are followed; a cycle (refused later by validation) stops at a
/// depth no limit allows.
#[derive(Default, Clone, Copy)]
struct Depth {
    data: usize,
    introspection: usize,
}

fn depth(set: &SelectionSet, doc: &ExecutableDocument, hops: usize) -> Depth {
    if hops > 64 {
        return Depth {
            data: usize::MAX / 2,
            introspection: usize::MAX / 2,
        };
    }
    let mut out = Depth::default();
    for item in &set.items {
        let d = match &item.node {
            Selection::Field(f) => {
                let inner = depth(&f.node.selection_set.node, doc, hops + 1);
                let name = f.node.name.node.as_str();
                if name == "__schema" || name == "__type" {
                    Depth {
                        data: 1,
                        introspection: 1 + inner.data.max(inner.introspection),
                    }
                } else {
                    Depth {
                        data: 1 + inner.data,
                        introspection: inner.introspection,
                    }
                }
            }
            Selection::InlineFragment(i) => depth(&i.node.selection_set.node, doc, hops + 1),
            Selection::FragmentSpread(s) => match doc.fragments.get(&s.node.fragment_name.node) {
                Some(frag) => depth(&frag.node.selection_set.node, doc, hops + 1),
                None => Depth::default(),
            },
        };
        out.data = out.data.max(d.data);
        out.introspection = out.introspection.max(d.introspection);
    }
    out
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
