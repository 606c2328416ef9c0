//! Message threads.

use super::*;

/// A thread's title in `l`: the API names it "invoice INV-…" / "estimate …" / "project …"; the
/// kind is said in the reader's language, capitalised.
pub(crate) fn thread_title(title: &str, kind: &str, l: Locale) -> String {
    let word = match kind {
        "invoice" => l.t("Invoice"),
        "estimate" => l.t("Estimate"),
        "project" => l.t("Project"),
        _ => return title.to_owned(),
    };
    match title.strip_prefix(kind) {
        Some(rest) => format!("{word}{rest}"),
        None => title.to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub author_kind: String,
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadRow {
    pub id: String,
    pub title: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub message_count: i64,
    pub unread_count: i64,
    pub last_message_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadsData {
    pub threads: Vec<ThreadRow>,
}

#[component]
pub fn Messages(tenant: String) -> Element {
    let res = use_query::<ThreadsData>(
        &tenant,
        "{ threads { id title subjectKind subjectId messageCount unreadCount lastMessageAt } }",
        json!({}),
    )?;
    let l = locale();
    loaded!(res, |d| rsx! {
        PageTitle { text: l.t("Messages") }
        h1 { {l.t("Messages")} }
        if d.threads.is_empty() { p { class: "muted", {l.t("No messages.")} } }
        ul { class: "threads",
            for th in d.threads.iter() {
                li { key: "{th.id}", class: if th.unread_count > 0 { "unread" } else { "" },
                    a { href: "/{tenant}/messages/{th.id}", {thread_title(&th.title, &th.subject_kind, l)} }
                    span { class: "muted", " · " {crate::fmt::count(th.message_count, "message", l)} " · " {l.t("last")} " " {crate::ui::when(th.last_message_at, l)} }
                    if th.unread_count > 0 { " " span { class: "badge", "{th.unread_count}" span { class: "sr", " " {l.t("unread")} } } }
                }
            }
        }
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadFull {
    pub id: String,
    pub title: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadData {
    pub thread: Option<ThreadFull>,
}

#[component]
pub fn ThreadPage(tenant: String, id: String, q: Qs) -> Element {
    let res = use_query::<ThreadData>(
        &tenant,
        "query($id: ID!, $mark: Boolean!) { thread(id: $id, markRead: $mark) { id title subjectKind subjectId messages { id authorKind authorName body createdAt } } }",
        json!({ "id": id, "mark": same_site() }),
    )?;
    let l = locale();
    let error = crate::ui::use_flash(&q).error;
    loaded!(res, missing: l.t("Conversation not found").to_owned(), |d| {
        let Some(th) = d.thread else {
            return rsx! { Problem { error: PageError::NotFound, missing: l.t("Conversation not found") } };
        };
        let subject_href = match th.subject_kind.as_str() {
            "invoice" => format!("/{tenant}/invoices/{}", th.subject_id),
            "estimate" => format!("/{tenant}/estimates"),
            _ => format!("/{tenant}/projects"),
        };
        rsx! {
            PageTitle { text: thread_title(&th.title, &th.subject_kind, l) }
            p { a { href: "/{tenant}/messages", "← " {l.t("Messages")} } }
            h1 { {thread_title(&th.title, &th.subject_kind, l)} }
            p { a { href: "{subject_href}", {l.t("Open what it is about")} " →" } }
            ol { class: "messages",
                for m in th.messages.iter() {
                    li { key: "{m.id}", class: "msg {m.author_kind}",
                        p { class: "by", strong { "{m.author_name}" } " · " {crate::ui::when(m.created_at, l)} }
                        p { class: "pre", "{m.body}" }
                    }
                }
            }
            if !error.is_empty() { p { class: "error", role: "alert", "{error}" } }
            form { method: "post", action: "/{tenant}/forms/messages/{th.id}", class: "stack",
                input { r#type: "hidden", name: "subject", value: "{th.subject_id}" }
                label { r#for: "m-body", {l.t("Write a message")} }
                textarea { id: "m-body", name: "body", rows: "4", required: true, maxlength: "5000" }
                button { r#type: "submit", class: "primary", {l.t("Send")} }
            }
        }
    })
}

/// See `server::same_site_request` (the browser never re-runs a page's first query).
pub(crate) fn same_site() -> bool {
    #[cfg(feature = "server")]
    {
        crate::server::same_site_request()
    }
    #[cfg(not(feature = "server"))]
    {
        true
    }
}
