//! The commands beside `serve`: the demo data, the benches and the soak.

pub mod bench;
pub mod bench_exports;
pub mod bench_partner;
pub mod bench_pdf;
pub mod bench_webhooks;
pub mod bulk;
pub mod demo;
pub mod soak;

pub use bulk::BenchTenant;

/// A fresh scratch directory for a bench or the soak, and the database to use: `database_url`
/// when given, else a new SQLite file in that directory.
pub(crate) fn scratch(name: &str, database_url: Option<String>) -> (std::path::PathBuf, String) {
    let tmp =
        std::env::temp_dir().join(format!("portico-{name}-{}", uuid::Uuid::now_v7().simple()));
    let url = database_url.unwrap_or_else(|| crate::core::config::default_sqlite_url(&tmp));
    (tmp, url)
}

/// Serves `app` on a loopback port (in the background) and returns its address.
pub(crate) async fn serve_on_loopback(
    app: &crate::app::App,
) -> anyhow::Result<std::net::SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = app.router();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    Ok(addr)
}
