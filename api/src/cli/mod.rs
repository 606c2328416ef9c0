//! The commands beside `serve`: the demo data, the benches and the soak.

pub mod bench;
pub mod bench_exports;
pub mod bench_webhooks;
pub mod bulk;
pub mod demo;
pub mod soak;

pub use bulk::BenchTenant;
