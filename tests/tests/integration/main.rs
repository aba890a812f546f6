//! End-to-end tests through the real router: one test binary.

mod accounts;
mod authz;
mod bad_input;
mod cancel;
mod ckan;
mod ckan_actions;
mod cli;
mod data_api;
mod feed_cache;
mod feeds;
mod hardening;
mod lifecycle;
mod openapi;
mod publishing;
mod review;
mod search;
mod standards;
mod storage_s3;
mod support;
mod validation;
