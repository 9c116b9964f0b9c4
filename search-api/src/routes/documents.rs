//! One document: upload, metadata, original bytes (with ranges), page previews, reuse.

use super::reason_of;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::extract::{MultipartForm, Path, Query};
use crate::metrics::event;
use crate::state::AppState;
use crate::wire::{
    events, ContentParams, DocumentDetail, DocumentView, EventPage, EventView, PageParams,
    PreviewParams, ReasonParams, ReuseReceipt, ReuseRequest, UploadResult,
};
use archive_core::{LedgerPage, OriginalAnswer, OriginalRequest, RangeAsked};
use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ingest::{FileReport, FileStatus};
use schemas::messages::{self, Message};
use schemas::policy::Act;
use schemas::{AccessReason, Caller, MetadataInput};
use std::io::Read;

/// Upload form: the file and its metadata, with the manifest's column names. Its OpenAPI schema
/// is made from the one table of metadata fields (`schemas::METADATA_FIELDS`).
pub struct UploadForm;

impl utoipa::PartialSchema for UploadForm {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        let file = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The document: PDF, PNG, JPEG or TIFF."));
        let mut form = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("file", file)
            .required("file");
        for field in schemas::METADATA_FIELDS {
            let text = ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(field.about));
            form = form.property(field.name, text);
            if field.required {
                form = form.required(field.name);
            }
        }
        form.into()
    }
}

impl utoipa::ToSchema for UploadForm {}

const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Store a document (operators). The same rules and answers as `kho ingest`.
#[utoipa::path(post, path = "/api/v1/documents", tag = "documents",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = UploadResult),
        (status = 200, description = "The owner already has these bytes", body = UploadResult),
        (status = 413, description = "Too large", body = Problem),
        (status = 422, description = "Rejected: bad metadata or an unreadable file", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Authenticated,
    MultipartForm(form): MultipartForm,
) -> ApiResult<Response> {
    may_upload(&state, &auth.caller).await?;
    let form = read_upload_form(&state, form).await?;
    let warnings = form
        .other_fields
        .iter()
        .map(|(name, _)| Message::new(&messages::UPLOAD_UNKNOWN_FIELD).with("name", name))
        .collect();
    let (status, body) =
        store_upload(&state, &auth.caller, form, warnings, crate::lang::current()).await?;
    Ok((status, Json(body)).into_response())
}

/// Refuses (and ledgers) a caller who may not upload, before anything of the form is read.
pub(crate) async fn may_upload(state: &AppState, caller: &Caller) -> ApiResult<()> {
    let caller = caller.clone();
    state
        .blocking(move |archive| Ok(archive.authorize(&caller, Act::Upload, None, "upload")?))
        .await
}

/// An upload form as read: the metadata fields, the file, and any other fields (the API warns
/// about them; the web UI finds its CSRF token among them).
pub(crate) struct ReadUpload {
    pub input: MetadataInput,
    pub file: Option<(String, Vec<u8>)>,
    pub other_fields: Vec<(String, String)>,
}

/// Reads a multipart upload within the store's size limits.
pub(crate) async fn read_upload_form(
    state: &AppState,
    mut form: Multipart,
) -> ApiResult<ReadUpload> {
    let max_bytes = state.archive.max_file_bytes();
    let mut input = MetadataInput::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut other_fields = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(|e| {
        ApiError::BadRequest(
            schemas::Message::new(&schemas::messages::FORM_UNREADABLE).with("why", e),
        )
    })? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field
                .file_name()
                .map(schemas::nfc)
                .unwrap_or_else(|| "upload".into());
            let too_large = Message::new(&messages::TOO_LARGE_FILE)
                .with("file", &file_name)
                .with("max", max_bytes);
            let what = Message::new(&messages::WORDS_THE_FILE);
            let bytes = read_field(&mut field, max_bytes, what, too_large).await?;
            file = Some((file_name, bytes));
            continue;
        }
        let too_large = Message::new(&messages::TOO_LARGE_FIELD)
            .with("name", &name)
            .with("max", MAX_FIELD_BYTES);
        let what = Message::new(&messages::WORDS_FIELD).with("name", &name);
        let value = read_field(&mut field, MAX_FIELD_BYTES as u64, what, too_large).await?;
        let value = String::from_utf8(value).map_err(|_| {
            ApiError::BadRequest(
                schemas::Message::new(&schemas::messages::FIELD_NOT_UTF8).with("name", &name),
            )
        })?;
        if !input.set(&name, value.clone()) {
            other_fields.push((name, value));
        }
    }
    Ok(ReadUpload {
        input,
        file,
        other_fields,
    })
}

/// A turn among the uploads extracted at once (their OCR is what the limit is for).
pub(crate) async fn upload_turn(state: &AppState) -> ApiResult<tokio::sync::OwnedSemaphorePermit> {
    state
        .uploads
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::Unavailable("the server is shutting down".into()))
}

/// Stores an upload the way `kho ingest` stores a file, and counts the outcome. `warnings` go
/// into the answer ahead of the file's own.
pub(crate) async fn store_upload(
    state: &AppState,
    caller: &Caller,
    form: ReadUpload,
    mut warnings: Vec<Message>,
    lang: schemas::Lang,
) -> ApiResult<(StatusCode, UploadResult)> {
    let ReadUpload { input, file, .. } = form;
    let (file_name, bytes) = file.ok_or_else(|| {
        ApiError::BadRequest(schemas::Message::new(&schemas::messages::NO_FILE_FIELD))
    })?;
    let permit = upload_turn(state).await?;
    let caller = caller.clone();
    let config = state.config.clone();
    let report = state
        .blocking(move |archive| {
            let _permit = permit;
            let metadata = input.validate(archive.doc_types(), schemas::today())?;
            let loaded = match ingest::load_bytes(&file_name, bytes, &config.extract.limits) {
                Ok(loaded) => loaded,
                Err(rejected) => {
                    ingest::record_upload(archive, &caller, &rejected)?;
                    return Ok((*rejected, None));
                }
            };
            let (report, suggestions) = ingest::ingest_loaded_suggesting(
                archive,
                &caller,
                &file_name,
                Some(file_name.clone()),
                loaded,
                &metadata,
                &config.extract,
            )?;
            // Listed with the batches, whatever became of it.
            ingest::record_upload(archive, &caller, &report)?;
            if report.status == FileStatus::Stored {
                archive.sync_index(&mut |_, _| {})?;
            }
            Ok((report, suggestions))
        })
        .await;
    let (report, suggestions) = match report {
        Ok(found) => found,
        Err(e) => {
            state.metrics.count(event::UPLOAD_REJECTED);
            return Err(e);
        }
    };
    let status = match report.status {
        FileStatus::Stored => {
            state.metrics.count(event::UPLOAD_STORED);
            StatusCode::CREATED
        }
        FileStatus::Duplicate => {
            state.metrics.count(event::UPLOAD_DUPLICATE);
            StatusCode::OK
        }
        FileStatus::Rejected => {
            state.metrics.count(event::UPLOAD_REJECTED);
            return Err(file_rejected(&report));
        }
    };
    warnings.extend(report.warnings);
    let body = UploadResult {
        file: report.file,
        status: crate::wire::json_name(report.status),
        id: report.id,
        sha256: report.sha256,
        pages: report.pages,
        text_source: report.text_source.map(crate::wire::json_name),
        ocr_confidence: report.ocr_confidence,
        low_confidence_pages: report.low_confidence_pages,
        warnings: warnings.iter().map(|w| w.render(lang)).collect(),
        suggestions: suggestions.map(crate::wire::SuggestionsView::from),
    };
    Ok((status, body))
}

/// A rejected file's answer: 422 whose `code` is the rejection's own (`ingest.too_large`,
/// `ingest.unsupported_format`...), its `detail` the reason, on the field `file`.
pub(crate) fn file_rejected(report: &FileReport) -> ApiError {
    let reason = report.error.clone().unwrap_or_else(|| {
        // Every rejection carries its reason; were one not to, its kind still says why.
        report.reject_kind.map_or_else(
            || Message::new(&messages::FILE_REFUSED).with("why", &report.file),
            |kind| Message::new(kind.words()),
        )
    });
    ApiError::field(schemas::RuleError(reason).at("file", &report.file))
}

/// A form field's bytes, refused with `too_large` past `limit` bytes (before reading further).
async fn read_field(
    field: &mut axum::extract::multipart::Field<'_>,
    limit: u64,
    what: Message,
    too_large: Message,
) -> ApiResult<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| {
        ApiError::BadRequest(
            schemas::Message::new(&schemas::messages::PART_UNREADABLE)
                .with_message("what", what.clone())
                .with("why", e),
        )
    })? {
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(ApiError::TooLarge(too_large));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A document's metadata, state and lifecycle history (ledgered as a read).
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = String, Path, description = "Document id"), ReasonParams),
    responses(
        (status = 200, body = DocumentDetail),
        (status = 404, description = "No such document, or not the caller's", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn get_document(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(params): Query<ReasonParams>,
) -> ApiResult<Json<DocumentDetail>> {
    let reason = reason_of(&params, &auth.caller)?;
    Ok(Json(
        document_detail(&state, auth.caller, id, reason).await?,
    ))
}

/// A document's detail, read through the service (the API's and the web UI's).
pub(crate) async fn document_detail(
    state: &AppState,
    caller: Caller,
    id: String,
    reason: AccessReason,
) -> ApiResult<DocumentDetail> {
    state
        .blocking(move |archive| {
            let document = archive.read_document(&caller, &id, &reason)?;
            Ok(DocumentDetail::new(
                &document,
                archive.doc_types(),
                schemas::today(),
            ))
        })
        .await
}

/// What a `Range` header asks for: `bytes=a-b`, `bytes=a-` or `bytes=-n` (the service resolves
/// it against the size, and answers a part outside the file); `None` to serve the whole
/// (absent, several ranges, or not bytes).
fn range_asked(header: Option<&HeaderValue>) -> Option<RangeAsked> {
    let spec = header
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))?;
    if spec.contains(',') {
        return None;
    }
    let malformed = || RangeAsked::Malformed(spec.to_string());
    let Some((first, last)) = spec.split_once('-') else {
        return Some(malformed());
    };
    let (first, last) = (first.trim(), last.trim());
    Some(if first.is_empty() {
        last.parse()
            .map_or_else(|_| malformed(), RangeAsked::Suffix)
    } else {
        match (first.parse(), last) {
            (Ok(first), "") => RangeAsked::From { first, last: None },
            (Ok(first), last) => last.parse().map_or_else(
                |_| malformed(),
                |last| RangeAsked::From {
                    first,
                    last: Some(last),
                },
            ),
            (Err(_), _) => malformed(),
        }
    })
}

/// The entity tags of `If-None-Match`, unquoted (kho's are the sha256 of the original).
fn held_tags(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| {
            t.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Streams a reader to the client from a blocking thread, 64 KiB at a time. A read error (the
/// re-hash found the bytes damaged) ends the stream with an error, so the client sees a broken
/// download rather than wrong bytes.
fn stream_body(mut reader: Box<dyn Read + Send>) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    tokio::task::spawn_blocking(move || loop {
        let mut buf = vec![0u8; 64 * 1024];
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                buf.truncate(n);
                if tx.blocking_send(Ok(buf)).is_err() {
                    break;
                }
            }
            Err(e) => {
                tracing::warn!("a download stopped: {e}");
                let _ = tx.blocking_send(Err(e));
                break;
            }
        }
    });
    Body::from_stream(ReceiverStream(rx))
}

struct ReceiverStream(tokio::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>);

impl futures_core::Stream for ReceiverStream {
    type Item = std::io::Result<Vec<u8>>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// The original bytes: `Range` requests, `ETag` = sha256, the file's real media type. Whole
/// downloads are re-hashed on the way out. Ledgered as a download.
#[utoipa::path(get, path = "/api/v1/documents/{id}/content", tag = "documents",
    params(("id" = String, Path, description = "Document id"),
        ("Range" = Option<String>, Header, description = "bytes=START-END"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag seen before"),
        ReasonParams, ContentParams),
    responses(
        (status = 200, description = "The whole file", content_type = "application/octet-stream"),
        (status = 206, description = "Part of it", content_type = "application/octet-stream"),
        (status = 304, description = "Not modified (the ETag matches)"),
        (status = 404, body = Problem),
        (status = 416, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn content(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(params): Query<ReasonParams>,
    Query(how): Query<ContentParams>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let reason = reason_of(&params, &auth.caller)?;
    let inline = how.inline.unwrap_or(false);
    original_response(&state, auth.caller, id, reason, &headers, inline).await
}

/// The original bytes as an HTTP answer (the API's and the web UI's download): leave to open
/// them from the service, then the service's answer to `If-None-Match` (304) and `Range` (206,
/// 416) or the bytes, each ledgered by the service before it is given here.
pub(crate) async fn original_response(
    state: &AppState,
    caller: Caller,
    id: String,
    reason: AccessReason,
    headers: &HeaderMap,
    inline: bool,
) -> ApiResult<Response> {
    original_response_with(
        state,
        move |archive| archive.original_access(&caller, &id, &reason),
        headers,
        inline,
    )
    .await
}

/// [`original_response`] for an access decided by another service (a share's link).
pub(crate) async fn original_response_with(
    state: &AppState,
    access: impl FnOnce(&archive_core::Archive) -> archive_core::Result<archive_core::OriginalAccess>
        + Send
        + 'static,
    headers: &HeaderMap,
    inline: bool,
) -> ApiResult<Response> {
    let request = OriginalRequest {
        held: held_tags(headers),
        range: range_asked(headers.get(header::RANGE)),
    };
    let (facts, answer) = state
        .blocking(move |archive| {
            let access = access(archive)?;
            Ok(archive.open_original(&access, &request)?)
        })
        .await?;
    let etag = format!("\"{}\"", facts.sha256);
    let size = facts.size;
    let (reader, range) = match answer {
        OriginalAnswer::NotModified => {
            return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response())
        }
        OriginalAnswer::Unsatisfiable => {
            return Err(ApiError::RangeNotSatisfiable(
                schemas::Message::new(&schemas::messages::RANGE_OUTSIDE).with("size", size),
                size,
            ))
        }
        OriginalAnswer::Bytes { reader, range } => (reader, range),
    };
    let file_name = &facts.file_name;
    // Saved as a file unless a viewer asks to show it; shown or not, it is never a page of ours
    // (the sandbox keeps anything active in it from running as kho).
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        file_name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        percent_encode(file_name)
    );
    let mut response = Response::new(stream_body(reader));
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, name, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(
        h,
        header::CONTENT_TYPE,
        facts.format.media_type().to_string(),
    );
    set(h, header::ETAG, etag);
    set(h, header::ACCEPT_RANGES, "bytes".into());
    set(h, header::CONTENT_DISPOSITION, disposition);
    set(h, header::CACHE_CONTROL, "private, no-cache".into());
    set(h, header::CONTENT_SECURITY_POLICY, "sandbox".into());
    match range {
        Some(range) => {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let h = response.headers_mut();
            set(
                h,
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{size}", range.first, range.last),
            );
            set(h, header::CONTENT_LENGTH, range.len().to_string());
        }
        None => set(
            response.headers_mut(),
            header::CONTENT_LENGTH,
            size.to_string(),
        ),
    }
    Ok(response)
}

pub(crate) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A page as a PNG preview, made once and cached. Ledgered as a download of that page.
#[utoipa::path(get, path = "/api/v1/documents/{id}/pages/{page}/preview", tag = "documents",
    params(("id" = String, Path, description = "Document id"),
        ("page" = u32, Path, description = "Page number, from 1"),
        PreviewParams),
    responses(
        (status = 200, description = "PNG", content_type = "image/png"),
        (status = 404, body = Problem),
        (status = 422, description = "No such page, or the page cannot be drawn", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, page)): Path<(String, u32)>,
    Query(params): Query<PreviewParams>,
) -> ApiResult<Response> {
    let reason = reason_of(&params, &auth.caller)?;
    preview_response(&state, auth.caller, id, page, params.width, reason).await
}

/// A page preview as an HTTP answer (the API's and the web UI's): drawn by `ingest` from the
/// original the service reads, kept in the store's cache, ledgered by the service.
pub(crate) async fn preview_response(
    state: &AppState,
    caller: Caller,
    id: String,
    page: u32,
    width: Option<u32>,
    reason: AccessReason,
) -> ApiResult<Response> {
    let width = width.unwrap_or(400);
    let limits = state.config.extract.limits;
    let png = state
        .blocking(move |archive| {
            Ok(archive.preview(
                &caller,
                &id,
                &reason,
                page,
                width,
                |format, bytes, drawn| {
                    ingest::preview::page_preview(format, bytes, page, drawn, &limits)
                },
            )?)
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            // Signed-in content: kept in no cache, so that nothing of it stays in a shared
            // desk computer's browser after sign-out.
            (header::CACHE_CONTROL, "no-store"),
        ],
        png,
    )
        .into_response())
}

/// The dossiers that reused a document.
#[utoipa::path(get, path = "/api/v1/documents/{id}/reuses", tag = "reuse",
    params(("id" = String, Path, description = "Document id"), ReasonParams),
    responses((status = 200, body = Vec<EventView>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_reuses(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(params): Query<ReasonParams>,
) -> ApiResult<Json<Vec<EventView>>> {
    let reason = reason_of(&params, &auth.caller)?;
    let caller = auth.caller;
    let reuses = state
        .blocking(move |archive| Ok(archive.document_reuses(&caller, &id, &reason)?))
        .await?;
    Ok(Json(events(&reuses)))
}

/// A clerk records that the document serves a dossier, and receives it.
#[utoipa::path(post, path = "/api/v1/documents/{id}/reuses", tag = "reuse",
    params(("id" = String, Path, description = "Document id")),
    request_body = ReuseRequest,
    responses(
        (status = 201, body = ReuseReceipt),
        (status = 404, body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn reuse(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReuseRequest>,
) -> ApiResult<Response> {
    let reason = reason_of(&body, &auth.caller)?;
    let receipt = reuse_document(&state, auth.caller, id, reason).await?;
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

/// Records the reuse of a document in a dossier (the API's and the web UI's).
pub(crate) async fn reuse_document(
    state: &AppState,
    caller: Caller,
    id: String,
    reason: AccessReason,
) -> ApiResult<ReuseReceipt> {
    state
        .blocking(move |archive| {
            let reused = archive.reuse(&caller, &id, &reason)?;
            let earlier = reused.earlier_in_dossier().map(EventView::from);
            Ok(ReuseReceipt {
                document: DocumentView::new(reused.record(), archive.doc_types(), schemas::today()),
                event: EventView::from(reused.event()),
                already_reused_in_dossier: earlier.is_some(),
                earlier_reuse_at: earlier.map(|e| e.at),
            })
        })
        .await
}

/// Every event about one document: reads, downloads, reuses, changes, refused attempts. For its
/// owner, and for admins.
#[utoipa::path(get, path = "/api/v1/documents/{id}/ledger", tag = "ledger",
    params(("id" = String, Path, description = "Document id"), PageParams),
    responses((status = 200, body = EventPage), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn document_ledger(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<EventPage>> {
    let page = LedgerPage::asked(page.after, page.limit)?;
    let caller = auth.caller;
    let list = state
        .blocking(move |archive| Ok(archive.document_ledger(&caller, &id, page)?))
        .await?;
    Ok(Json(EventPage::from(&list)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use archive_core::ByteRange;

    fn range(v: &str, size: u64) -> Option<Option<ByteRange>> {
        range_asked(Some(&HeaderValue::from_str(v).unwrap())).map(|asked| asked.resolve(size))
    }

    #[test]
    fn ranges_as_rfc_9110_reads_them() {
        let r = |first, last| Some(Some(ByteRange { first, last }));
        assert_eq!(range("bytes=0-9", 100), r(0, 9));
        assert_eq!(range("bytes=90-", 100), r(90, 99));
        assert_eq!(range("bytes=-10", 100), r(90, 99));
        assert_eq!(range("bytes=-500", 100), r(0, 99));
        assert_eq!(range("bytes=50-500", 100), r(50, 99));
        assert_eq!(range("bytes=0-1,5-6", 100), None);
        assert_eq!(range("items=0-1", 100), None);
        assert_eq!(range("bytes=100-", 100), Some(None));
        assert_eq!(range("bytes=9-3", 100), Some(None));
        assert_eq!(range("bytes=abc", 100), Some(None));
        assert_eq!(range("bytes=-0", 100), Some(None));
        assert_eq!(range_asked(None), None);
    }

    #[test]
    fn entity_tags_are_unquoted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"abc\", W/\"def\", *"),
        );
        assert_eq!(held_tags(&headers), ["abc", "def", "*"]);
    }
}
