//! Online backups: the running store exported as a BagIt bag into the server's backup folder
//! (`kho serve --backup-dir`), for admins. The bag is the one `kho export` writes, read at one
//! moment (writes wait while records, texts and the ledger are read; originals are copied after),
//! so `kho import` restores it.

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use crate::wire::BackupView;
use archive_core::bag::{self, Scope};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use schemas::policy::Act;

/// `kho-backup-YYYYMMDDTHHMMSSZ`: the basic ISO 8601 form, so that names sort by time and are
/// safe in any file system.
fn backup_name(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let basic = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    format!("kho-backup-{}", at.format(basic).unwrap_or_default())
}

/// Makes a backup now and answers when it is complete, with where it is and what it holds.
#[utoipa::path(post, path = "/api/v1/backups", tag = "system",
    responses((status = 201, body = BackupView), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "No backup folder configured, or a backup is running")),
    security(("bearer" = [])))]
pub async fn create_backup(
    State(state): State<AppState>,
    auth: Authenticated,
) -> ApiResult<(StatusCode, Json<BackupView>)> {
    let caller = auth.caller.clone();
    let caller_for_trail = auth.caller;
    state
        .blocking(move |archive| {
            Ok(archive.authorize(&caller, Act::Backup, None, "make a backup")?)
        })
        .await?;
    let Some(folder) = state.config.backup_dir.clone() else {
        return Err(ApiError::Conflict(schemas::Message::new(
            &schemas::messages::CONFLICT_NO_BACKUPS,
        )));
    };
    let Ok(running) = state.backup.clone().try_lock_owned() else {
        return Err(ApiError::Conflict(schemas::Message::new(
            &schemas::messages::CONFLICT_BACKUP_RUNNING,
        )));
    };
    let started = std::time::Instant::now();
    let name = backup_name(time::OffsetDateTime::now_utc());
    let path = folder.join(&name);
    let view = state
        .blocking(move |archive| {
            let _running = running;
            let caller = caller_for_trail;
            std::fs::create_dir_all(&folder).map_err(|e| {
                ApiError::Internal(format!(
                    "cannot create the backup folder {}: {e}",
                    folder.display()
                ))
            })?;
            let summary = bag::export(archive, &path, &Scope::Store, &mut |_, _| {})?;
            // In the admin audit trail once it is complete (its place and what it holds).
            archive.record_backup(
                &caller,
                format!(
                    "backup {} ({} records, {} blobs, {} events, {} dossiers, {} shares)",
                    path.display(),
                    summary.records,
                    summary.blobs,
                    summary.events,
                    summary.dossiers,
                    summary.shares
                ),
            )?;
            Ok(BackupView {
                name,
                path: path.display().to_string(),
                records: summary.records,
                blobs: summary.blobs,
                texts: summary.texts,
                events: summary.events,
                dossiers: summary.dossiers,
                shares: summary.shares,
                payload_bytes: summary.payload_bytes,
                seconds: started.elapsed().as_secs_f64(),
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn backup_names_sort_by_time() {
        let at = time::macros::datetime!(2026-11-27 17:05:09 +7);
        assert_eq!(super::backup_name(at), "kho-backup-20261127T100509Z");
    }
}
