//! kho's end-to-end tests: the built `kho` binary driven as operators, clerks, citizens and
//! attackers drive it (commands, HTTP, a headless browser, S3, OpenID Connect), one module per
//! concern.
//!
//! They are one test binary rather than one per file: each binary links the whole workspace and
//! its dependencies, and thirty-odd of them filled CI's disk and spent minutes linking
//! (ARCHITECTURE.md, "Testing"). Run one module with `cargo test -p kho-tests --test e2e MODULE::`.

#![forbid(unsafe_code)]

mod forensic;

mod api;
mod batch;
mod capture;
mod compact;
mod corruption;
mod crash;
mod credentials;
mod dossiers;
mod export;
mod feed;
mod fixity;
mod fuzz_inputs;
mod hardening;
mod hostile;
mod indicators;
mod ingest;
mod ledger_table;
mod login;
mod manifest;
mod oidc;
mod oidc_browser;
mod places;
mod request_errors;
mod s3;
mod scale;
mod search;
mod server_crash;
mod shares;
mod trust;
mod trust_api;
mod vocabulary;
mod web;
mod web_capture;
mod web_search;
mod web_upload;
