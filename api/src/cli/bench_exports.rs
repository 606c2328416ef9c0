//! `portico bench-exports`: loads one tenant's invoices into an empty database, then downloads
//! its whole invoice list as CSV and as XLSX over HTTP on loopback (as its owner) and prints,
//! for each, the time, the size and the process's peak resident memory during the download
//! (sampled every 20 ms, over the memory before it).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::App;
use crate::cli::bench_webhooks::err;
use crate::cli::soak::rss_kib;
use crate::core::config::Config;
use crate::core::scope::Role;

#[derive(Debug, clap::Args)]
pub struct BenchExportsArgs {
    /// Database to load (must be empty); default: a fresh SQLite file in a temporary directory.
    #[arg(long)]
    pub database_url: Option<String>,
    /// Invoices of the one tenant.
    #[arg(long, default_value_t = 100_000)]
    pub invoices: usize,
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
}

pub async fn run(args: BenchExportsArgs) -> anyhow::Result<()> {
    let (tmp, database_url) = crate::cli::scratch("bench-exports", args.database_url.clone());
    let app = App::build(Config::for_database(database_url, tmp.clone())).await?;
    anyhow::ensure!(
        app.store.is_empty().await.map_err(err)?,
        "the bench needs an empty database"
    );
    let started = Instant::now();
    let t = app
        .store
        .load_bench_tenant(0, args.clients.max(1), args.invoices)
        .await
        .map_err(err)?;
    println!(
        "loaded {} invoices ({:?}) in {:.1} s",
        args.invoices,
        app.store.backend(),
        started.elapsed().as_secs_f64()
    );
    let token = app
        .store
        .create_token(&t.tenant_id, "bench", Role::Owner, None)
        .await
        .map_err(err)?
        .token;
    let addr = crate::cli::serve_on_loopback(&app).await?;
    let base = format!("http://{}/bench-0/exports/invoices", addr);
    let client = reqwest::Client::new();
    for format in ["csv", "xlsx"] {
        let before = rss_kib();
        let peak = Arc::new(AtomicU64::new(before));
        let done = Arc::new(AtomicBool::new(false));
        let sampler = {
            let (peak, done) = (peak.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let started = Instant::now();
        let mut resp = client
            .get(format!("{base}.{format}?sort=number-asc"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?;
        let mut bytes = 0usize;
        while let Some(chunk) = resp.chunk().await? {
            bytes += chunk.len();
        }
        let took = started.elapsed();
        done.store(true, Ordering::Relaxed);
        let _ = sampler.await;
        let peak = peak.load(Ordering::Relaxed);
        println!(
            "{format:>4}: {} invoices in {:.2} s ({:.0} rows/s), {:.1} MiB, peak RSS {:.1} MiB (+{:.1} MiB over {:.1} MiB before)",
            args.invoices,
            took.as_secs_f64(),
            args.invoices as f64 / took.as_secs_f64(),
            bytes as f64 / 1_048_576.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(before) as f64 / 1024.0,
            before as f64 / 1024.0,
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
