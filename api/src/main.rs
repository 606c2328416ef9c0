//! The `portico` command: a thin CLI over the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use portico::app::App;
use portico::core::config::Config;
use portico::core::scope::Role;

#[derive(Parser)]
#[command(
    name = "portico",
    version,
    about = "Portico: the client portal for accounts receivable"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (API, subscriptions, portal).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Seed demo data if the database is empty, then serve and print how to get in.
    Demo {
        #[arg(long)]
        listen: Option<SocketAddr>,
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Seed and print, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manage staff users (who sign in with magic links or passkeys).
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Manage tenants.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Load invoices and measure `invoices(first: 20)` over HTTP (see README).
    Bench(portico::cli::bench::BenchArgs),
    /// Fire signed Stripe webhooks and measure throughput and webhook → subscriber latency.
    BenchWebhooks(portico::cli::bench_webhooks::BenchWebhooksArgs),
    /// Measure partner webhook deliveries and PassimPay callbacks (see README, Tests and benchmarks).
    BenchPartnerWebhooks(portico::cli::bench_partner::BenchPartnerArgs),
    /// Export one tenant's whole invoice list as CSV and XLSX: time, size and peak memory.
    BenchExports(portico::cli::bench_exports::BenchExportsArgs),
    /// Draw invoices and long statements as PDFs: documents per second and peak memory.
    BenchPdf(portico::cli::bench_pdf::BenchPdfArgs),
    /// Mixed load for minutes on two instances with Redis restarted: INTERNALs, lost or doubled
    /// payments, subscribers' convergence and memory (see README).
    Soak(portico::cli::soak::SoakArgs),
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API token. Roles: owner, admin, member, partner; contact_admin, contact_payer,
    /// contact_viewer with --contact EMAIL (the token is bound to that contact's client).
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long)]
        contact: Option<String>,
        /// Comma-separated: read (implied), write, payments.
        #[arg(long, default_value = "read,write,payments")]
        scopes: String,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a staff user: role owner, admin or member.
    Create {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "member")]
        role: String,
    },
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant. With --owner-email, also its owner, who is emailed a sign-in link valid
    /// for three days.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[arg(long)]
        owner_email: Option<String>,
        #[arg(long, default_value = "Owner")]
        owner_name: String,
    },
    /// Give a tenant its own host name (DNS and TLS for it point at this deployment), or take it
    /// away with --clear. Its portal is then served there, and its links use it.
    Host {
        #[arg(long)]
        slug: String,
        #[arg(long, required_unless_present = "clear")]
        host: Option<String>,
        #[arg(long)]
        clear: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PORTICO_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => print!("{}", portico::graphql::sdl()),
        Command::Migrate => {
            App::build(Config::from_env()?).await?;
            eprintln!("migrations applied");
        }
        Command::Serve => {
            let app = App::build(Config::from_env()?).await?;
            let listener = app.bind().await?;
            tracing::info!(address = %listener.local_addr()?, "serving");
            app.serve(listener).await?;
        }
        Command::Demo {
            listen,
            data_dir,
            no_serve,
        } => {
            let mut config = Config::from_env()?
                .with_overrides(listen, data_dir)
                .with_demo_secret_key()?;
            // The demo is for trying payments out: its gateway is on.
            config.demo_gateway = true;
            // Partner webhooks may go to a receiver on this machine, unless the variable says no.
            if std::env::var("PORTICO_WEBHOOKS_ALLOW_PRIVATE").is_err() {
                config.webhooks_allow_private = true;
            }
            // ... and sign-up too, unless PORTICO_PUBLIC_SIGNUP says otherwise.
            if std::env::var("PORTICO_PUBLIC_SIGNUP").is_err() {
                config.public_signup = true;
            }
            let app = App::build(config).await?;
            let listener = if no_serve {
                None
            } else {
                Some(app.bind().await?)
            };
            let base = match &listener {
                Some(l) if std::env::var("PORTICO_BASE_URL").is_err() => {
                    portico::core::config::default_base_url(l.local_addr()?)
                }
                _ => app.config.base_url.clone(),
            };
            let summary = portico::cli::demo::seed_if_empty(&app.store).await?;
            if summary.seeded {
                portico::cli::demo::seed_webhooks(&app, &base).await?;
            }
            println!(
                "{}",
                portico::cli::demo::welcome(&app.store, &summary, &base).await?
            );
            if let Some(listener) = listener {
                app.serve(listener).await?;
            }
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    tenant,
                    role,
                    name,
                    contact,
                    scopes,
                },
        } => {
            let app = App::build(Config::from_env()?).await?;
            let t = app
                .store
                .tenant_by_slug(&tenant)
                .await?
                .with_context(|| format!("no tenant {tenant:?}"))?;
            let role = Role::parse(&role)?;
            let contact_id = match contact {
                Some(email) => Some(
                    portico::cli::demo::contact_id_by_email(&app.store, &t.id, &email)
                        .await?
                        .with_context(|| format!("no contact {email:?} in {tenant}"))?,
                ),
                None => None,
            };
            let created = app
                .store
                .create_token_with(
                    &t.id,
                    &name,
                    role,
                    contact_id.as_deref(),
                    portico::core::scope::Grants::parse(&scopes),
                )
                .await?;
            println!("{}", created.token);
        }
        Command::Tenant {
            command:
                TenantCommand::Create {
                    slug,
                    name,
                    currency,
                    owner_email,
                    owner_name,
                },
        } => {
            let app = App::build(Config::from_env()?).await?;
            let slug = portico::domain::Slug::parse(&slug)?;
            let currency = portico::domain::Currency::parse(&currency)?;
            match owner_email {
                Some(email) => {
                    let owner_email = portico::domain::Email::parse(&email)?;
                    let t = app
                        .store
                        .create_business(portico::identity::onboarding::NewBusiness {
                            slug,
                            name,
                            currency,
                            owner_email,
                            owner_name,
                            signed_up: false,
                        })
                        .await?;
                    // Sent now when SMTP is configured; otherwise it waits in the outbox.
                    let sent =
                        portico::core::mail::worker::runner(app.store.clone(), app.mailer.clone())
                            .tick()
                            .await
                            .map(|t| t.worked() > 0)
                            .unwrap_or(false);
                    let how = match (sent, app.config.smtp_url.is_some()) {
                        (true, true) => "emailed",
                        (true, false) => "written to the log (no PORTICO_SMTP_URL)",
                        (false, _) => "queued (it goes when the server runs)",
                    };
                    println!(
                        "created tenant {} ({}) with owner {email}; sign-in link {how}; portal: {}/",
                        t.slug,
                        t.id,
                        app.store.tenant_url(&t.slug).await,
                    );
                }
                None => {
                    let t = app
                        .store
                        .create_tenant(portico::tenancy::NewTenant {
                            slug,
                            name,
                            default_currency: currency,
                            email: None,
                            phone: None,
                            address: None,
                        })
                        .await?;
                    println!("created tenant {} ({})", t.slug, t.id);
                }
            }
        }
        Command::Tenant {
            command: TenantCommand::Host { slug, host, clear },
        } => {
            let app = App::build(Config::from_env()?).await?;
            let host = if clear { None } else { host };
            app.store.set_host_name(&slug, host.as_deref()).await?;
            println!("{slug}: portal at {}/", app.store.tenant_url(&slug).await);
        }
        Command::Staff {
            command:
                StaffCommand::Create {
                    tenant,
                    email,
                    name,
                    role,
                },
        } => {
            let app = App::build(Config::from_env()?).await?;
            let t = app
                .store
                .tenant_by_slug(&tenant)
                .await?
                .with_context(|| format!("no tenant {tenant:?}"))?;
            let email = portico::domain::Email::parse(&email)?;
            let role = Role::parse(&role)?;
            let id = app
                .store
                .create_staff_user(&t.id, &email, &name, role)
                .await?;
            println!("created staff user {} ({id})", email.as_str());
        }
        Command::Bench(args) => portico::cli::bench::run(args).await?,
        Command::BenchWebhooks(args) => portico::cli::bench_webhooks::run(args).await?,
        Command::BenchPartnerWebhooks(args) => portico::cli::bench_partner::run(args).await?,
        Command::BenchExports(args) => portico::cli::bench_exports::run(args).await?,
        Command::BenchPdf(args) => portico::cli::bench_pdf::run(args)?,
        Command::Soak(args) => portico::cli::soak::run(args).await?,
    }
    Ok(())
}
