//! `POST /upload/suggest`: the upload form's "read the file" step. The page's script sends the
//! chosen file here as soon as it is chosen; kho reads its text (text layer or OCR) without
//! storing anything and answers the metadata it suggests (`wire::SuggestionsView`), which the
//! script fills into the empty fields, marked as suggestions to confirm. An operator's act, with
//! the session's CSRF token, like the upload itself.

use super::WebUser;
use crate::error::ApiError;
use crate::extract::MultipartForm;
use crate::routes::documents::{may_upload, read_upload_form, upload_turn};
use crate::state::AppState;
use crate::wire::SuggestionsView;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;

pub async fn suggest(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    MultipartForm(form): MultipartForm,
) -> Response {
    let result = async {
        may_upload(&state, &user.caller).await?;
        let form = read_upload_form(&state, form).await?;
        user.check_upload_csrf(&headers, &form)?;
        let (file_name, bytes) = form.file.ok_or_else(|| {
            ApiError::BadRequest(schemas::Message::new(&schemas::messages::NO_FILE_FIELD))
        })?;
        // Reading a scan is OCR: it waits for a turn with the uploads.
        let permit = upload_turn(&state).await?;
        let cfg = state.config.extract.clone();
        let suggestions = state
            .blocking(move |_| {
                let _permit = permit;
                ingest::suggest::suggest_from_bytes(&file_name, bytes, &cfg)
                    .map_err(|report| crate::routes::documents::file_rejected(&report))
            })
            .await?;
        Ok(Json(SuggestionsView::from(suggestions)).into_response())
    }
    .await;
    user.respond(result)
}
