//! Dossiers registered by the one-stop system, and a citizen's dossiers.

use super::owner_id;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, Path};
use crate::state::AppState;
use crate::wire::DocumentView;
use crate::wire_citizens::{
    rfc3339, DossierDocumentView, DossierRequest, DossierUseView, DossierView, OwnerDossiers,
};
use archive_core::service::Registration;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use schemas::{Caller, OwnerId};

/// Register a dossier the one-stop system received: its code, procedure, applicants' owner
/// IDs, receiving agency and date. A token of role `intake` (the one-stop system), or a clerk
/// at reception for a dossier of their province. Clerks then read and reuse for it only the
/// documents of its applicants (or shared with it). 201 when new; 200 when the same dossier
/// was registered before; 409 when the code is registered with other fields.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers",
    request_body = DossierRequest,
    responses(
        (status = 201, body = DossierView),
        (status = 200, description = "Registered before with the same fields", body = DossierView),
        (status = 403, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn register_dossier(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<DossierRequest>,
) -> ApiResult<(StatusCode, Json<DossierView>)> {
    let valid = body.input().validate().map_err(ApiError::from)?;
    let caller = auth.caller;
    state
        .blocking(move |archive| {
            let (dossier, registration) = archive.register_dossier(&caller, valid)?;
            let status = match registration {
                Registration::New => StatusCode::CREATED,
                Registration::Again => StatusCode::OK,
            };
            Ok((status, Json(DossierView::from(&dossier))))
        })
        .await
}

/// The dossiers naming the owner as an applicant, newest first, each with the owner's
/// documents it read or reused. For the owner (a citizen) only; the documents shown are
/// ledgered as read.
#[utoipa::path(get, path = "/api/v1/owners/{owner_id}/dossiers", tag = "dossiers",
    params(("owner_id" = String, Path, description = "Personal ID or enterprise code")),
    responses((status = 200, body = OwnerDossiers), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn owner_dossiers(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> ApiResult<Json<OwnerDossiers>> {
    let owner = owner_id(&raw)?;
    Ok(Json(owner_dossier_list(&state, auth.caller, owner).await?))
}

/// An owner's dossiers through the service (the API's and the citizen's page).
pub(crate) async fn owner_dossier_list(
    state: &AppState,
    caller: Caller,
    owner: OwnerId,
) -> ApiResult<OwnerDossiers> {
    state
        .blocking(move |archive| {
            let uses = archive.owner_dossiers(&caller, &owner)?;
            let today = schemas::today();
            Ok(OwnerDossiers {
                owner_id: owner.to_string(),
                dossiers: uses
                    .iter()
                    .map(|u| DossierUseView {
                        dossier: DossierView::from(&u.dossier),
                        documents: u
                            .documents
                            .iter()
                            .map(|d| DossierDocumentView {
                                document: DocumentView::new(&d.record, archive.doc_types(), today),
                                reused: d.reused,
                                first_used: rfc3339(d.first_used),
                            })
                            .collect(),
                    })
                    .collect(),
            })
        })
        .await
}
