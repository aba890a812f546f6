//! sea-orm entities, one file per table. Services in the parent module are the only users.
#![expect(
    clippy::disallowed_methods,
    reason = "`sea_orm::model` generates nested-save helpers that begin transactions; we do not call them"
)]

pub mod account;
pub mod api_token;
pub mod blob_pin;
pub mod code_list;
pub mod dataset;
pub mod dataset_event;
pub mod dataset_tag;
pub mod dataset_version;
pub mod distribution;
pub mod download_count;
pub mod download_day;
pub mod job;
pub mod maintenance_lease;
pub mod organization;
pub mod portal;
pub mod region;
pub mod standard_variable;
pub mod upload_session;
