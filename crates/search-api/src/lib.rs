//! The HTTP API and web UI of kho (axum). Not built yet: the issue "The HTTP API: retrieval,
//! reuse, lifecycle, and who read what" fills this crate. It will be the only crate that knows
//! HTTP, sessions and wire JSON.
