//! Webhooks for partners (accounting systems, ERPs): the events a business's endpoints receive,
//! signed as the Standard Webhooks specification says. So far the signing (issue 14 builds the
//! endpoints, the deliveries and their log on it).

pub mod signature;
