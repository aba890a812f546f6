//! End-to-end tests through the real router: one test binary.

mod accounts;
mod authz;
mod backup;
mod bad_input;
mod cancel;
mod ckan;
mod ckan_actions;
mod cli;
mod data_api;
mod feed_cache;
mod feeds;
mod hardening;
mod jobs;
mod lifecycle;
mod openapi;
mod ops;
mod publishing;
mod review;
mod search;
mod shutdown;
mod standards;
mod storage_s3;
mod support;
mod upgrade;
mod validation;
mod web;
