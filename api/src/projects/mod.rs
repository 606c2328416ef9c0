//! Projects: a client's projects and the time entries booked on them.

pub mod graphql;
pub mod service;

pub use service::{NewProject, NewTimeEntry, Project, TimeEntry};
